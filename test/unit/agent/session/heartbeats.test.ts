import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GpuTelemetry } from '../../../../src/agent/gpu/gpuTelemetry';
import { silentLogger } from '../../../../src/agent/logger';
import { AgentState } from '../../../../src/agent/session/agentState';
import { Heartbeats } from '../../../../src/agent/session/heartbeats';
import type { RunningJobs } from '../../../../src/agent/session/runningJobs';
import type { WorkerSession } from '../../../../src/agent/session/workerSession';
import type { Deliverer } from '../../../../src/agent/spool/deliverer';
import type { CheckpointDirs } from '../../../../src/agent/state/checkpointDirs';
import { CoordinatorLink } from '../../../../src/agent/transport/coordinatorLink';
import { waitFor } from '../../../support/waitFor';

describe('Heartbeats', () => {
  let server: Server | undefined;
  let beats: Heartbeats | undefined;
  afterEach(() => {
    beats?.stop();
    server?.close();
  });

  it('wakes the claim loop when the coordinator answers again after failed beats, so claims do not wait out their backoff', async () => {
    let answered = 0;
    let refused = 0;
    let refusing = true;
    server = createServer((_req, res) => {
      if (refusing) {
        refused++;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unavailable', message: 'tunnel down' } }));
        return;
      }
      answered++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ cancel: [], lease_ttl_s: 30, state: 'online', stop: false, preempt: [], drop_checkpoints: [] }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const state = new AgentState();
    let woken = 0;
    const countWakeups = (): void => void state.wakeup.wait(3_600_000).then(() => {
      woken++;
      countWakeups();
    });
    countWakeups();
    beats = new Heartbeats({
      link: new CoordinatorLink({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't', stopSignal: new AbortController().signal }),
      session: { id: 'w1', reregister: async () => undefined } as unknown as WorkerSession,
      telemetry: new GpuTelemetry('/nonexistent/nvidia-smi', () => [], silentLogger),
      deliverer: { pending: 0, nudge: () => undefined } as unknown as Deliverer,
      runs: {} as RunningJobs,
      checkpoints: { jobIds: () => [], remove: () => undefined } as unknown as CheckpointDirs,
      state,
      configuredMs: 20,
      logger: silentLogger,
      onStopRequested: () => undefined,
      cancel: () => undefined,
    });
    beats.start();
    await waitFor(() => refused >= 2, 'refused beats');
    refusing = false;
    await waitFor(() => answered >= 3, 'beats answered again');
    // Woken once, on coming back; steady beats wake nobody.
    expect(woken).toBe(1);
  });
});
