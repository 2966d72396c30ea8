/**
 * `npm run bench -- preempt`: one agent with one (recorded) GPU busy with a preemptible job that
 * ignores its checkpoint signal; an urgent job arrives. Figure: seconds from the urgent job's submit
 * to its start with a 5 s grace (goal: under grace + 2 s; heartbeat and sweep intervals add to it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../src/agent';
import { startCoordinatorServer } from '../test/support/coordinatorServer';
import type { FigureLog } from './lib/figures';

const GRACE_S = 5;
const fixtures = join(import.meta.dirname, '../test/fixtures/nvidia-smi');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function runPreemptBench(log: FigureLog): Promise<void> {
  const server = await startCoordinatorServer();
  const spoolDir = mkdtempSync(join(tmpdir(), 'gantry-bench-preempt-'));
  process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'rtx4090-gpus.csv');
  const agent = await startAgent({ url: server.url, token: server.workerToken, name: 'bench-gpu', maxJobs: 2, spoolDir, nvidiaSmi: join(fixtures, 'fake-nvidia-smi'), killGraceMs: 1000, logger: quiet });
  const c = server.coordinator;
  try {
    const victim = c.submit({ command: ['node', '-e', 'process.on("SIGUSR1", () => {}); setInterval(() => {}, 1000)'], preemptible: true, min_runtime_s: 0, grace_s: GRACE_S, requirements: { gpus: 1 } });
    await until(() => c.getJob(victim.id).state === 'running', 'the preemptible job to start');
    const started = performance.now();
    const urgent = c.submit({ command: ['true'], priority: 10, requirements: { gpus: 1 } });
    await until(() => c.getJob(urgent.id).state !== 'queued', 'the urgent job to start');
    log.record('preempt.submit_to_start_grace_5s', (performance.now() - started) / 1000, 's');
  } finally {
    await agent.stop({ graceful: false });
    await server.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
