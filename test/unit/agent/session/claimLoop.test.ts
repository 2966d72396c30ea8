import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Capacity } from '../../../../src/agent/capacity';
import { GpuTelemetry } from '../../../../src/agent/gpu/gpuTelemetry';
import { silentLogger } from '../../../../src/agent/logger';
import { AgentState } from '../../../../src/agent/session/agentState';
import { runClaimLoop } from '../../../../src/agent/session/claimLoop';
import type { RunningJobs } from '../../../../src/agent/session/runningJobs';
import type { WorkerSession } from '../../../../src/agent/session/workerSession';
import type { OutboxItem } from '../../../../src/agent/spool/outboxItem';
import { CoordinatorLink } from '../../../../src/agent/transport/coordinatorLink';
import { waitFor } from '../../../support/waitFor';

describe('runClaimLoop', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('runs nothing from a claim reply that breaks the protocol, and reports the attempts it names as failed with the reason', async () => {
    // No real coordinator sends this; a different version or a tampering proxy might.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jobs: [{ job: { id: 12, command: 42 }, attempt: 3 }] }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const state = new AgentState();
    const items: OutboxItem[] = [];
    const started: unknown[] = [];
    const loop = runClaimLoop({
      link: new CoordinatorLink({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't', stopSignal: new AbortController().signal }),
      session: { id: 'w1', reregister: async () => undefined } as unknown as WorkerSession,
      capacity: new Capacity(1),
      telemetry: new GpuTelemetry('/nonexistent/nvidia-smi', () => [], silentLogger),
      runs: { start: (claimed: unknown) => started.push(claimed) } as unknown as RunningJobs,
      outbox: { push: (item) => items.push(item) },
      state,
      claimWaitMs: 0,
      idleMs: 50,
      retry: { baseMs: 10, capMs: 20 },
      logger: silentLogger,
      beatNow: () => undefined,
    });
    await waitFor(() => items.length > 0, 'the claimed attempt to be reported');
    state.stopping = true;
    state.wakeup.notify();
    await loop;
    expect(started).toEqual([]);
    expect(items[0]).toMatchObject({ kind: 'finish', job_id: 12, attempt: 3, outcome: 'failed', exit_code: null });
    expect(items[0].kind === 'finish' && items[0].error).toMatch(/could not read its claim: .*reply to claim does not match the protocol: jobs\.0\.job/);
  });
});
