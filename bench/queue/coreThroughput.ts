import { createCoordinator } from '../../src/core';
import type { FigureLog } from '../lib/figures';
import { perSecond } from '../lib/stats';
import { makeTempDir } from '../lib/tempDir';
import { noOpJob, submitInChunks } from './benchJobs';
import { claimAndFinish, registerBenchWorker } from './claimAndFinish';

export interface CoreThroughput {
  submitPerSecond: number;
  claimMax1PerSecond: number;
  claimMax10PerSecond: number;
  claimMax10BatchedPerSecond: number;
}

/**
 * Submits `jobs` no-op jobs into a fresh database, then one in-process worker claims and
 * finishes the first half one job per claim, the next quarter ten per claim, and the last
 * quarter ten per claim with their results sent back in one batch.
 */
export function measureCoreThroughput(log: FigureLog, jobs: number): CoreThroughput {
  const dir = makeTempDir('queue');
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null });
  try {
    const submitMs = submitInChunks((specs) => coordinator.submitBatch(specs), jobs, noOpJob);
    const submitPerSecond = perSecond(jobs, submitMs);
    log.record('queue.submit.jobs', jobs, 'jobs');
    log.record('queue.submit.seconds', submitMs / 1000, 's');
    log.record('queue.submit.jobs_per_s', submitPerSecond, 'jobs/s');

    const workerId = registerBenchWorker(coordinator, 'bench-worker');
    const half = Math.floor(jobs / 2);
    const claimMax1PerSecond = perSecond(half, claimAndFinish(coordinator, workerId, half, 1));
    log.record('queue.claim_finish.max1.jobs_per_s', claimMax1PerSecond, 'jobs/s');
    const quarter = Math.floor((jobs - half) / 2);
    const claimMax10PerSecond = perSecond(quarter, claimAndFinish(coordinator, workerId, quarter, 10));
    log.record('queue.claim_finish.max10.jobs_per_s', claimMax10PerSecond, 'jobs/s');
    const last = jobs - half - quarter;
    const claimMax10BatchedPerSecond = perSecond(last, claimAndFinish(coordinator, workerId, last, 10, true));
    log.record('queue.claim_finish.max10_batched.jobs_per_s', claimMax10BatchedPerSecond, 'jobs/s');
    return { submitPerSecond, claimMax1PerSecond, claimMax10PerSecond, claimMax10BatchedPerSecond };
  } finally {
    coordinator.close();
    dir.remove();
  }
}
