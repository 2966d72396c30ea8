import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/shared';
import { freePort, startAgentProcess, startCoordinatorProcess, type CoordinatorProcess } from '../../support/cluster';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { tempDir } from '../../support/coordinator';

let dir: string;
let coordinator: CoordinatorProcess;
let agents: ChildProcess[];

async function start(leaseTtlMs = 30_000, port?: number): Promise<void> {
  coordinator = await startCoordinatorProcess(join(dir, 'data'), port ?? (await freePort()), leaseTtlMs);
}

async function workerToken(): Promise<string> {
  return (await coordinator.client.call('createToken', { body: { name: 'agents', scope: 'worker' } })).token;
}

async function addAgent(name: string, maxJobs = 4, env?: Record<string, string>): Promise<ChildProcess> {
  const agent = startAgentProcess({ url: coordinator.url, token: await workerToken(), name, spoolDir: join(dir, `spool-${name}`), maxJobs, env });
  agents.push(agent);
  return agent;
}

const job = (id: number) => coordinator.client.call('getJob', { params: { id } });
const final = (j: Job) => ['succeeded', 'failed', 'cancelled', 'blocked'].includes(j.state);
const untilState = (id: number, state: Job['state'], timeoutMs = 30_000) => waitFor(async () => (await job(id)).state === state, `job ${id} to be ${state}`, timeoutMs);

beforeEach(() => {
  dir = tempDir('gantry-e2e-');
  agents = [];
});

afterEach(async () => {
  await Promise.all(agents.map((a) => stopChild(a, { signal: 'SIGKILL' })));
  await coordinator?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

// Writes colours, a \r progress bar and a metric line, byte for byte what the test expects back.
// It first waits (silently) for a gate file, so a test can hold jobs running until it has seen them.
const SCRIPT = `const [lr, seed, gate] = process.argv.slice(1);
const pause = new Int32Array(new SharedArrayBuffer(4));
while (gate && !require('fs').existsSync(gate)) Atomics.wait(pause, 0, 0, 20);
process.stdout.write('\\x1b[32mlr=' + lr + ' seed=' + seed + '\\x1b[0m\\n');
for (const p of [10, 50, 100]) process.stdout.write(p + '%\\r');
process.stdout.write('\\n::metric {"step": 1, "loss": ' + lr + '}\\n');`;
const expectedLog = (lr: string, seed: string) => `\x1b[32mlr=${lr} seed=${seed}\x1b[0m\n10%\r50%\r100%\r\n::metric {"step": 1, "loss": ${lr}}\n`;

describe('jobs end to end (coordinator and agents as real processes on loopback)', () => {
  it('runs a sweep with a dependency to completion, with byte-identical logs and parsed metrics', async () => {
    await start();
    await addAgent('a1', 3);
    await addAgent('a2', 3);
    const gate = join(dir, 'sweep-gate');
    const prep = await coordinator.client.call('submitJob', { body: { name: 'prepare', command: ['node', '-e', 'setTimeout(() => console.log("data ready"), 200)'] } });
    const sweep = await coordinator.client.call('sweep', {
      body: { template: ['node', '-e', SCRIPT, '{lr}', '{seed}', gate], params: { lr: ['0.001', '0.0003'], seed: [1, 2, 3] }, depends_on: [prep.id] },
    });
    expect(sweep.count).toBe(6);
    expect(sweep.jobs.every((j) => j.state === 'waiting')).toBe(true);
    // The sweep's jobs hold at the gate, so none ends before the other agent claims, and an agent
    // has at most three slots for six jobs: both serving the sweep is then certain, not a race.
    const workersRunning = async () => (await coordinator.client.call('listWorkers', {})).filter((w) => w.running > 0).length;
    await waitFor(async () => (await workersRunning()) === 2, 'both agents to run sweep jobs', 60_000);
    writeFileSync(gate, '');
    await waitFor(async () => (await Promise.all(sweep.jobs.map((j) => job(j.id)))).every(final), 'the sweep to finish', 60_000);
    const workersUsed = new Set<string>();
    for (const j of sweep.jobs) {
      const done = await job(j.id);
      expect(done.state).toBe('succeeded');
      expect(done.started_at as number).toBeGreaterThanOrEqual((await job(prep.id)).finished_at as number);
      workersUsed.add(done.worker_id as string);
      const response = await coordinator.client.request('readLog', { params: { id: j.id, attempt: 1 } });
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.toString('binary')).toBe(expectedLog(String(j.params.lr), String(j.params.seed)));
      const metrics = await coordinator.client.call('listMetrics', { params: { id: j.id } });
      expect(metrics.map((m) => [m.name, m.step, m.value])).toEqual([['loss', 1, Number(j.params.lr)]]);
    }
    const workers = await coordinator.client.call('listWorkers', {});
    expect([...workersUsed].sort()).toEqual(workers.map((w) => w.id).sort());
  });

  it('cancels a running job: the agent kills it and the job ends cancelled', async () => {
    await start();
    await addAgent('a1');
    const j = await coordinator.client.call('submitJob', { body: { command: ['sleep', '120'] } });
    await untilState(j.id, 'running');
    await coordinator.client.call('cancelJob', { params: { id: j.id } });
    await waitFor(async () => (await coordinator.client.call('listAttempts', { params: { id: j.id } }))[0]?.outcome === 'cancelled', 'the attempt to end cancelled');
    expect((await job(j.id)).state).toBe('cancelled');
  });

  it('times a job out and fails it when attempts are spent', async () => {
    await start();
    await addAgent('a1');
    const j = await coordinator.client.call('submitJob', { body: { command: ['sleep', '120'], timeout_s: 1 } });
    await untilState(j.id, 'failed');
    expect((await coordinator.client.call('listAttempts', { params: { id: j.id } }))[0].outcome).toBe('timed_out');
  });

  it('retries a failed job and it succeeds the second time', async () => {
    await start();
    await addAgent('a1');
    const marker = join(dir, 'marker');
    const j = await coordinator.client.call('submitJob', { body: { command: { shell: `test -f ${marker} || { touch ${marker}; exit 3; }` } } });
    await untilState(j.id, 'failed');
    expect((await job(j.id)).exit_code).toBe(3);
    await coordinator.client.call('retryJob', { params: { id: j.id } });
    await untilState(j.id, 'succeeded');
    expect((await coordinator.client.call('listAttempts', { params: { id: j.id } })).map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
  });

  it('re-queues the job of a worker killed with SIGKILL once its lease expires, and another worker finishes it', async () => {
    await start(1_500);
    const doomed = await addAgent('doomed');
    const pidFile = join(dir, 'pid');
    const marker = join(dir, 'ran-once');
    const j = await coordinator.client.call('submitJob', {
      body: { command: { shell: `if [ -f ${marker} ]; then exit 0; fi; touch ${marker}; echo $$ > ${pidFile}; exec sleep 120` }, max_attempts: 2 },
    });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), 'the job to start', 60_000);
    await stopChild(doomed, { signal: 'SIGKILL' });
    // The orphaned job process would run on; a real host loses it with the machine.
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    await untilState(j.id, 'queued', 20_000);
    await addAgent('rescuer');
    await untilState(j.id, 'succeeded');
    expect((await coordinator.client.call('listAttempts', { params: { id: j.id } })).map((a) => a.outcome)).toEqual(['lost', 'succeeded']);
  });

  it('survives the coordinator being killed with SIGKILL mid-run: every job finishes exactly once', { timeout: 120_000 }, async () => {
    const port = await freePort();
    await start(5_000, port);
    await addAgent('a1', 3);
    await addAgent('a2', 3);
    const { jobs } = await coordinator.client.call('submitBatch', {
      body: { jobs: Array.from({ length: 30 }, (_, i) => ({ name: `step-${i}`, command: ['node', '-e', `setTimeout(() => console.log('done ${i}'), 150)`] })) },
    });
    await waitFor(async () => (await coordinator.client.call('countJobs', {})).succeeded >= 6, 'some jobs to succeed');
    await coordinator.stop('SIGKILL');
    await start(5_000, port);
    await waitFor(async () => (await coordinator.client.call('countJobs', {})).succeeded === 30, 'every job to succeed after the restart', 90_000);
    for (const j of jobs) {
      const attempts = await coordinator.client.call('listAttempts', { params: { id: j.id } });
      expect(attempts.filter((a) => a.outcome === 'succeeded'), `job ${j.id}`).toHaveLength(1);
      const log = await coordinator.client.request('readLog', { params: { id: j.id, attempt: attempts.find((a) => a.outcome === 'succeeded')?.attempt ?? 1 } });
      expect(await log.text()).toBe(`${j.name.replace('step-', 'done ')}\n`);
    }
  });

  it('registers GPUs from nvidia-smi and stores their telemetry, pinning a GPU job to a free device', async () => {
    await start();
    const fixtures = join(__dirname, '../../fixtures/nvidia-smi');
    await addAgent('gpu-box', 4, {
      GANTRY_NVIDIA_SMI: join(fixtures, 'fake-nvidia-smi'),
      GANTRY_FAKE_SMI_GPUS: join(fixtures, 'h100-gpus.csv'),
      GANTRY_FAKE_SMI_APPS: join(fixtures, 'no-apps.csv'),
    });
    const [worker] = await waitFor(async () => {
      const workers = await coordinator.client.call('listWorkers', {});
      return workers.length > 0 && workers;
    }, 'the agent to register');
    expect(worker.gpus.map((g) => [g.index, g.model, g.memory_total_mb])).toEqual([[0, 'NVIDIA H100 80GB HBM3', 81559], [1, 'NVIDIA H100 80GB HBM3', 81559]]);
    const samples = await waitFor(async () => {
      const gpus = await coordinator.client.call('gpus', {});
      return gpus.length === 2 && gpus;
    }, 'GPU samples');
    expect(samples.map((g) => [g.index, g.utilization_pct, g.temperature_c])).toEqual([[0, 98, 67], [1, 0, 31]]);
    const j = await coordinator.client.call('submitJob', { body: { command: { shell: 'echo "$CUDA_VISIBLE_DEVICES"' }, requirements: { gpus: 1, gpu_memory_mb: 20_000 } } });
    await untilState(j.id, 'succeeded');
    // GPU 0 has only 8566 MiB free according to the driver, so the job must land on GPU 1.
    expect(await (await coordinator.client.request('readLog', { params: { id: j.id, attempt: 1 } })).text()).toBe('1\n');
    expect((await coordinator.client.call('gpuHistory', { params: { id: worker.id } })).length).toBeGreaterThanOrEqual(2);
  });
});
