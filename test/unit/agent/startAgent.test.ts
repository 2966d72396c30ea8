import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startAgent, type Agent } from '../../../src/agent';
import { silentLogger } from '../../../src/agent/logger';
import { FakeCoordinator } from './fakeCoordinator';
import { makeClaimed } from './jobs/claimedJob';

const fixtures = join(__dirname, '../../fixtures/nvidia-smi');
/** memory.free of h100-gpus.csv. */
const DRIVER_FREE = [{ index: 0, memory_free_mb: 8566 }, { index: 1, memory_free_mb: 81006 }];

describe('startAgent', () => {
  let coordinator: FakeCoordinator;
  let agent: Agent | undefined;
  let url: string;

  beforeEach(async () => {
    coordinator = new FakeCoordinator();
    url = await coordinator.start();
    process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'h100-gpus.csv');
    process.env.GANTRY_FAKE_SMI_APPS = join(fixtures, 'h100-apps.csv');
  });

  afterEach(async () => {
    await agent?.stop({ graceful: false });
    agent = undefined;
    await coordinator.close();
  });

  const start = (heartbeatMs = 50): Promise<Agent> =>
    startAgent({
      url, token: 'worker-token', name: 'test-worker', tags: ['a100'], maxJobs: 2, spoolDir: mkdtempSync(join(tmpdir(), 'gantry-agent-')),
      nvidiaSmi: join(fixtures, 'fake-nvidia-smi'), heartbeatMs, claimWaitMs: 100, killGraceMs: 500, logger: silentLogger,
    });

  it('stops on an admin request from the heartbeat: hands its job back by deregistering, then settles `stopped`', async () => {
    coordinator.queue.push(makeClaimed({ id: 9, command: { shell: 'echo started; sleep 300' } }));
    agent = await start();
    await waitFor(() => coordinator.recorded.logs.length > 0, 'the job to start');
    coordinator.stop = true;
    await agent.stopped;
    expect(coordinator.recorded.deregistered).toEqual(['w1']);
    expect(coordinator.recorded.finishes).toEqual([]);
  });

  it('beats at once on start, then well inside the lease the coordinator announces', async () => {
    coordinator.leaseTtlS = 0.6;
    agent = await start(60_000);
    await waitFor(() => coordinator.recorded.heartbeats.length >= 3, 'three heartbeats, though the configured interval is a minute');
  });

  it('registers with its GPUs, runs a claimed job, and reports its log, metrics and result', async () => {
    coordinator.queue.push(makeClaimed({ id: 5, command: { shell: `echo hello; echo '::metric {"step": 1, "loss": 2.5}'; exit 0` } }));
    agent = await start();
    expect(agent.workerId).toBe('w1');
    expect(coordinator.recorded.registrations[0]).toMatchObject({ name: 'test-worker', tags: ['a100'], gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3' }, { index: 1 }] });
    await waitFor(() => coordinator.recorded.finishes.length === 1, 'the job to finish');
    expect(coordinator.recorded.finishes[0]).toEqual({ job_id: 5, attempt: 1, outcome: 'succeeded', exit_code: 0, error: null });
    const log = Buffer.concat(coordinator.recorded.logs.map((l) => Buffer.from(l.data_b64, 'base64'))).toString();
    expect(log).toBe('hello\n::metric {"step": 1, "loss": 2.5}\n');
    expect(coordinator.recorded.metrics).toMatchObject([{ step: 1, name: 'loss', value: 2.5 }]);
    await waitFor(() => coordinator.recorded.heartbeats.length > 0, 'a heartbeat');
    expect(coordinator.recorded.heartbeats[0].gpu_samples).toHaveLength(2);
  });

  it('kills a job the heartbeat reply cancels and reports it cancelled', async () => {
    coordinator.queue.push(makeClaimed({ id: 6, command: { shell: 'echo started; sleep 300' } }));
    agent = await start();
    await waitFor(() => coordinator.recorded.logs.length > 0, 'the job to start');
    coordinator.cancel.push({ job_id: 6, attempt: 1 });
    await waitFor(() => coordinator.recorded.finishes.length === 1, 'the job to finish');
    expect(coordinator.recorded.finishes[0]).toMatchObject({ job_id: 6, outcome: 'cancelled' });
  });

  it("reports the driver's free GPU memory with heartbeats and leaves the cpu and memory books to the coordinator", async () => {
    agent = await start();
    const seen = coordinator.recorded.heartbeats.length;
    await waitFor(() => coordinator.recorded.heartbeats.length > seen, 'a heartbeat');
    const free = coordinator.recorded.heartbeats[coordinator.recorded.heartbeats.length - 1].free;
    expect(free?.gpus).toEqual(DRIVER_FREE);
    expect(free?.cpus).toBeUndefined();
    expect(free?.memory_mb).toBeUndefined();
  });

  it('stops gracefully: terminates running jobs, delivers their logs and hands them back by deregistering', async () => {
    coordinator.queue.push(makeClaimed({ id: 8, command: { shell: 'echo started; sleep 300' } }));
    agent = await start();
    await waitFor(() => coordinator.recorded.logs.length > 0, 'the job to start');
    await agent.stop({ graceful: true });
    expect(coordinator.recorded.finishes).toEqual([]);
    expect(coordinator.recorded.logs.length).toBeGreaterThan(0);
    expect(coordinator.recorded.deregistered).toEqual(['w1']);
  });
});
