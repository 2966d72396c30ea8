import { createCoordinator } from '../../src/core';
import type { FigureLog } from '../lib/figures';
import { percentile } from '../lib/stats';
import { makeTempDir } from '../lib/tempDir';
import { submitInChunks } from './benchJobs';

const CLAIMS = 300;

/**
 * Issue 13.1: a CPU-only worker claims a CPU job queued behind `jobs` GPU jobs it can never run
 * (`gantry sweep … --gpus 1` on a laptop). Each round submits one CPU job and times the claim
 * that must hand it out; the figure is the 95th percentile, goal < 5 ms at 100,000 jobs ahead.
 */
export function measureClaimBehindUnrunnable(log: FigureLog, jobs: number): void {
  const dir = makeTempDir('queue-unrunnable');
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null });
  try {
    submitInChunks((specs) => coordinator.submitBatch(specs), jobs, (i) => ({ name: `gpu-${i}`, command: ['train'], requirements: { gpus: 1 } }));
    const worker = coordinator.registerWorker({ name: 'cpu-only', hostname: 'bench', cpus: 8, memory_mb: 16_000 }).id;
    const samples: number[] = [];
    for (let round = 0; round < CLAIMS; round++) {
      const job = coordinator.submit({ name: `cpu-${round}`, command: ['echo', 'hi'] });
      const start = performance.now();
      const claimed = coordinator.claim(worker, { max: 1 });
      samples.push(performance.now() - start);
      if (claimed[0]?.job.id !== job.id) throw new Error(`round ${round}: the claim did not hand out the CPU job behind the backlog`);
      coordinator.finish(job.id, { attempt: claimed[0].attempt, outcome: 'succeeded', exit_code: 0 });
    }
    log.record('queue.claim.behind_unrunnable.jobs_ahead', jobs, 'jobs');
    log.record('queue.claim.behind_100k_unrunnable.p50_ms', percentile(samples, 50), 'ms');
    log.record('queue.claim.behind_100k_unrunnable.p95_ms', percentile(samples, 95), 'ms');
  } finally {
    coordinator.close();
    dir.remove();
  }
}
