import type { Coordinator } from '../../src/core';

export interface ClaimMode {
  /** Jobs asked for per claim. */
  max: number;
  /** Each claim's results go back in one `finishMany` (one transaction, as the agent sends jobs that end together). */
  batched: boolean;
}

/**
 * One in-process worker that claims up to `max` jobs, finishes them as succeeded, and repeats
 * until it has done `count` jobs: the coordinator's own cost per job, with no HTTP and no process
 * in between. Returns milliseconds.
 */
export function claimAndFinish(coordinator: Coordinator, workerId: string, count: number, mode: ClaimMode): number {
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const claimed = coordinator.claim(workerId, { max: Math.min(mode.max, count - done) });
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    const results = claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    if (mode.batched) coordinator.finishMany({ results });
    else for (const { job_id, ...report } of results) coordinator.finish(job_id, report);
    done += claimed.length;
  }
  return performance.now() - start;
}

/** A worker big enough that capacity never limits a claim of small jobs. */
export function registerBenchWorker(coordinator: Coordinator, name: string, tags: string[] = []): string {
  return coordinator.registerWorker({ name, hostname: 'bench', cpus: 4096, memory_mb: 1 << 30, tags }).id;
}
