import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent';
import { silentLogger } from '../../../src/agent/logger';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';

const fixtures = join(__dirname, '../../fixtures/nvidia-smi');

describe('startAgent against the real coordinator and server', () => {
  let server: CoordinatorServer | undefined;
  let agent: Agent | undefined;

  afterEach(async () => {
    await agent?.stop({ graceful: false });
    agent = undefined;
    await server?.close();
    server = undefined;
  });

  async function start(options: { leaseTtlMs?: number; heartbeatMs?: number } = {}): Promise<{ server: CoordinatorServer; agent: Agent }> {
    server = await startCoordinatorServer({ leaseTtlMs: options.leaseTtlMs });
    process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'h100-gpus.csv');
    process.env.GANTRY_FAKE_SMI_APPS = join(fixtures, 'h100-apps.csv');
    agent = await startAgent({
      url: server.url, token: server.workerToken, name: 'test-worker', tags: ['h100'], maxJobs: 2, spoolDir: mkdtempSync(join(tmpdir(), 'gantry-agent-')),
      nvidiaSmi: join(fixtures, 'fake-nvidia-smi'), heartbeatMs: options.heartbeatMs ?? 50, claimWaitMs: 200, killGraceMs: 500, logger: silentLogger,
    });
    return { server, agent };
  }

  const logOf = (s: CoordinatorServer, jobId: number, attempt = 1): string => s.coordinator.readLog(jobId, attempt).data.toString();

  it('registers with its GPUs, runs a job, and the coordinator has its log, metrics and result', async () => {
    const { server: s, agent: a } = await start();
    const job = s.coordinator.submit({ command: { shell: `echo hello; echo '::metric {"step": 1, "loss": 2.5}'; exit 0` }, requirements: { tags: ['h100'] } });
    expect(s.coordinator.getWorker(a.workerId)).toMatchObject({ name: 'test-worker', tags: ['h100'], gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3' }, { index: 1 }] });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed');
    expect(s.coordinator.getJob(job.id)).toMatchObject({ exit_code: 0, error: null, worker_id: a.workerId });
    expect(logOf(s, job.id)).toBe('hello\n::metric {"step": 1, "loss": 2.5}\n');
    expect(s.coordinator.listMetrics(job.id)).toMatchObject([{ step: 1, name: 'loss', value: 2.5 }]);
    await waitFor(() => s.coordinator.latestGpuSamples().length === 2, 'GPU samples from heartbeats');
  });

  it("sends the driver's free GPU memory, so a big job lands on the GPU that really has room", async () => {
    // h100-gpus.csv: GPU 0 has 8566 MB free of 80 GB (someone else's process), GPU 1 has 81006 MB.
    const { server: s } = await start();
    const job = s.coordinator.submit({ command: { shell: 'printf %s "$CUDA_VISIBLE_DEVICES"' }, requirements: { gpus: 1, gpu_memory_mb: 40_000 } });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed');
    expect(logOf(s, job.id)).toBe('1');
  });

  it('beats at a third of a short lease whatever interval was configured, so running jobs keep their leases', async () => {
    const { server: s, agent: a } = await start({ leaseTtlMs: 600, heartbeatMs: 60_000 });
    await waitFor(() => a.heartbeatIntervalMs !== 60_000, 'the first heartbeat reply');
    expect(a.heartbeatIntervalMs).toBe(200);
    // Five lease lifetimes: without beats inside the lease the sweep would mark the attempt lost.
    const job = s.coordinator.submit({ command: ['sleep', '3'] });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed');
    expect(s.coordinator.listAttempts(job.id).map((attempt) => attempt.outcome)).toEqual(['succeeded']);
  });

  it('kills a job the coordinator cancels and reports it cancelled', async () => {
    const { server: s } = await start();
    const job = s.coordinator.submit({ command: { shell: 'echo started; sleep 300' } });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'running' && logOf(s, job.id).includes('started'), 'the job to start');
    s.coordinator.cancel(job.id);
    await waitFor(() => s.coordinator.listAttempts(job.id)[0]?.outcome === 'cancelled', 'the attempt to end cancelled');
  });

  it('stops on an admin request from the heartbeat: hands its job back without a result, then settles `stopped`', async () => {
    const { server: s, agent: a } = await start();
    const job = s.coordinator.submit({ command: { shell: 'echo started; sleep 300' } });
    await waitFor(() => logOf(s, job.id).includes('started'), 'the job to start');
    s.coordinator.requestWorkerStop(a.workerId);
    await a.stopped;
    expect(s.coordinator.getJob(job.id).state).toBe('queued');
    expect(s.coordinator.getWorker(a.workerId).state).toBe('offline');
  });

  it('stops gracefully: terminates running jobs, delivers their logs and hands them back', async () => {
    const { server: s, agent: a } = await start();
    const job = s.coordinator.submit({ command: { shell: `trap 'echo terminated; exit 143' TERM; echo started; while :; do sleep 0.05; done` } });
    await waitFor(() => logOf(s, job.id).includes('started'), 'the job to start');
    await a.stop({ graceful: true });
    expect(logOf(s, job.id)).toMatch(/^started\n[^]*terminated\n$/);
    expect(s.coordinator.getJob(job.id).state).toBe('queued');
    expect(s.coordinator.getWorker(a.workerId).state).toBe('offline');
  });
});
