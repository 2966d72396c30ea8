import type { Coordinator } from '../../src/core';

export interface ClaimMode {
  /** Jobs asked for per claim. */
  max: number;
  /** Each claim's results go back in one `finishMany` (one transaction, as the agent sends jobs that end together). */
  batched: boolean;
  /** Results go back with the next claim, in one `finishAndClaim` call and transaction, as the agent sends them. */
  finishAndClaim?: boolean;
}

/**
 * One in-process worker that claims up to `max` jobs, finishes them as succeeded, and repeats
 * until it has done `count` jobs: the coordinator's own cost per job, with no HTTP and no process
 * in between. Results go as the agent sends them, `brief` (each job's new state, not the job).
 * Returns milliseconds.
 */
export function claimAndFinish(coordinator: Coordinator, workerId: string, count: number, mode: ClaimMode): number {
  if (mode.finishAndClaim) return finishAndClaimAll(coordinator, workerId, count, mode.max);
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const claimed = coordinator.claim(workerId, { max: Math.min(mode.max, count - done) });
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    const results = claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    if (mode.batched) coordinator.finishMany({ results, brief: true });
    else for (const result of results) coordinator.finishMany({ results: [result], brief: true });
    done += claimed.length;
  }
  return performance.now() - start;
}

/** Claims `max`, then each call reports those results and takes the next ones, until `count` are done. Returns milliseconds. */
function finishAndClaimAll(coordinator: Coordinator, workerId: string, count: number, max: number): number {
  const start = performance.now();
  let claimed = coordinator.claim(workerId, { max: Math.min(max, count) });
  let done = 0;
  while (done < count) {
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    done += claimed.length;
    const results = claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    const left = count - done;
    if (left === 0) coordinator.finishMany({ results, brief: true });
    else claimed = coordinator.finishAndClaim(workerId, { results, brief: true }, { max: Math.min(max, left) }).jobs;
  }
  return performance.now() - start;
}

/** A worker big enough that capacity never limits a claim of small jobs. */
export function registerBenchWorker(coordinator: Coordinator, name: string, tags: string[] = []): string {
  return coordinator.registerWorker({ name, hostname: 'bench', cpus: 4096, memory_mb: 1 << 30, tags }).id;
}
