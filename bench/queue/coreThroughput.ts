import type { FigureLog } from '../lib/figures';
import { recordSpread, spreadOf } from '../lib/repeat';
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

/** One repetition of every way of claiming: claimed-and-finished jobs per second and CPU per job by figure name, and each run's submit rate. */
export interface CoreRep {
  claimPerSecond: Record<string, number>;
  cpuUsPerJob: Record<string, number>;
  submitsPerSecond: number[];
}

export const CORE_MODES: Array<{ figure: string; mode: ClaimMode }> = [
  { figure: 'claim_finish.max1', mode: { max: 1, batched: false } },
  { figure: 'claim_finish.max10', mode: { max: 10, batched: false } },
  { figure: 'claim_finish.max10_batched', mode: { max: 10, batched: true } },
  { figure: 'finish_and_claim.max1', mode: { max: 1, batched: true, finishAndClaim: true } },
  { figure: 'finish_and_claim.max10', mode: { max: 10, batched: true, finishAndClaim: true } },
];

/**
 * One timed run: `jobs` no-op jobs into a fresh served coordinator, then all of them claimed and
 * finished. CPU is the process's (the checkpoint thread's included), which moves less with load than the rate.
 */
async function runOnce(jobs: number, mode: ClaimMode): Promise<{ submitPerSecond: number; claimPerSecond: number; cpuUsPerJob: number }> {
  const served = await startServedCoordinator('queue');
  try {
    const { coordinator } = served;
    const submitMs = submitInChunks((specs) => coordinator.submitBatch(specs), jobs, noOpJob);
    const workerId = registerBenchWorker(coordinator, 'bench-worker');
    const cpuBefore = process.cpuUsage();
    const claimMs = claimAndFinish(coordinator, workerId, jobs, mode);
    const cpu = process.cpuUsage(cpuBefore);
    return { submitPerSecond: perSecond(jobs, submitMs), claimPerSecond: perSecond(jobs, claimMs), cpuUsPerJob: (cpu.user + cpu.system) / jobs };
  } finally {
    await served.close();
  }
}

/** A warm-up run of every mode on a tenth of the jobs: JIT and page cache, costs the timed runs must not carry. */
export async function warmUpCore(jobs: number): Promise<void> {
  for (const { mode } of CORE_MODES) await runOnce(Math.max(100, Math.floor(jobs / 10)), mode);
}

/**
 * One timed run of each way of claiming (one job per claim; ten per claim finished one call each; ten
 * per claim finished in one batch; and finish-and-claim, results sent with the next claim in one call,
 * one or ten at a time), each on a fresh database with the same count and submit chunks the peers get.
 */
export async function runCoreRep(jobs: number): Promise<CoreRep> {
  const rep: CoreRep = { claimPerSecond: {}, cpuUsPerJob: {}, submitsPerSecond: [] };
  for (const { figure, mode } of CORE_MODES) {
    const run = await runOnce(jobs, mode);
    rep.claimPerSecond[figure] = run.claimPerSecond;
    rep.cpuUsPerJob[figure] = run.cpuUsPerJob;
    rep.submitsPerSecond.push(run.submitPerSecond);
  }
  return rep;
}

/** Each mode's median over the repetitions (with min and max), and the submit rate over every run. */
export function recordCoreThroughput(log: FigureLog, jobs: number, reps: CoreRep[]): CoreThroughput {
  log.record('queue.claim_finish.jobs', jobs, 'jobs');
  log.record('queue.reps', reps.length, 'runs');
  const medians: Record<string, number> = {};
  for (const { figure } of CORE_MODES) {
    medians[figure] = recordSpread(log, `queue.${figure}.jobs_per_s`, spreadOf(reps.map((rep) => rep.claimPerSecond[figure])), 'jobs/s');
    recordSpread(log, `queue.${figure}.cpu_us_per_job`, spreadOf(reps.map((rep) => rep.cpuUsPerJob[figure])), 'µs');
  }
  return {
    submitPerSecond: recordSpread(log, 'queue.submit.jobs_per_s', spreadOf(reps.flatMap((rep) => rep.submitsPerSecond)), 'jobs/s'),
    claimMax1PerSecond: medians['claim_finish.max1'],
    claimMax10PerSecond: medians['claim_finish.max10'],
    claimMax10BatchedPerSecond: medians['claim_finish.max10_batched'],
    finishAndClaimMax1PerSecond: medians['finish_and_claim.max1'],
    finishAndClaimMax10PerSecond: medians['finish_and_claim.max10'],
  };
}
