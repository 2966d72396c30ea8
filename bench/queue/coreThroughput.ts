import type { FigureLog } from '../lib/figures';
import { recordSpread, repeated, spreadOf } from '../lib/repeat';
import { perSecond } from '../lib/stats';
import { noOpJob, submitInChunks } from './benchJobs';
import { claimAndFinish, registerBenchWorker, type ClaimMode } from './claimAndFinish';
import { startServedCoordinator } from './servedCoordinator';

export interface CoreThroughput {
  submitPerSecond: number;
  claimMax1PerSecond: number;
  claimMax10PerSecond: number;
  claimMax10BatchedPerSecond: number;
  finishAndClaimMax1PerSecond: number;
  finishAndClaimMax10PerSecond: number;
}

const MODES: Array<{ figure: string; mode: ClaimMode }> = [
  { figure: 'claim_finish.max1', mode: { max: 1, batched: false } },
  { figure: 'claim_finish.max10', mode: { max: 10, batched: false } },
  { figure: 'claim_finish.max10_batched', mode: { max: 10, batched: true } },
  { figure: 'finish_and_claim.max1', mode: { max: 1, batched: true, finishAndClaim: true } },
  { figure: 'finish_and_claim.max10', mode: { max: 10, batched: true, finishAndClaim: true } },
];

/** One timed run: `jobs` no-op jobs into a fresh served coordinator, then all of them claimed and finished. */
async function runOnce(jobs: number, mode: ClaimMode): Promise<{ submitPerSecond: number; claimPerSecond: number }> {
  const served = await startServedCoordinator('queue');
  try {
    const { coordinator } = served;
    const submitMs = submitInChunks((specs) => coordinator.submitBatch(specs), jobs, noOpJob);
    const workerId = registerBenchWorker(coordinator, 'bench-worker');
    const claimMs = claimAndFinish(coordinator, workerId, jobs, mode);
    return { submitPerSecond: perSecond(jobs, submitMs), claimPerSecond: perSecond(jobs, claimMs) };
  } finally {
    await served.close();
  }
}

/**
 * For each way of claiming (one job per claim; ten per claim finished one call each; ten per claim
 * finished in one batch; and finish-and-claim, results sent with the next claim in one call, one or ten at a time): a warm-up run on a tenth of the jobs, then `reps` runs of `jobs` jobs, each
 * on a fresh database, the same count and submit chunks the peers get. Figures are medians.
 */
export async function measureCoreThroughput(log: FigureLog, jobs: number, reps: number): Promise<CoreThroughput> {
  log.record('queue.claim_finish.jobs', jobs, 'jobs');
  log.record('queue.reps', reps, 'runs');
  const submits: number[] = [];
  const medians: Record<string, number> = {};
  for (const { figure, mode } of MODES) {
    const spread = await repeated(reps, () => runOnce(Math.max(100, Math.floor(jobs / 10)), mode), async () => {
      const run = await runOnce(jobs, mode);
      submits.push(run.submitPerSecond);
      return run.claimPerSecond;
    });
    medians[figure] = recordSpread(log, `queue.${figure}.jobs_per_s`, spread, 'jobs/s');
  }
  // Every timed run submitted its jobs first: the submit figure is the median over all of them.
  const submitPerSecond = recordSpread(log, 'queue.submit.jobs_per_s', spreadOf(submits), 'jobs/s');
  return {
    submitPerSecond,
    claimMax1PerSecond: medians['claim_finish.max1'],
    claimMax10PerSecond: medians['claim_finish.max10'],
    claimMax10BatchedPerSecond: medians['claim_finish.max10_batched'],
    finishAndClaimMax1PerSecond: medians['finish_and_claim.max1'],
    finishAndClaimMax10PerSecond: medians['finish_and_claim.max10'],
  };
}
