import type { Coordinator } from '../../src/core';

/**
 * One in-process worker that claims up to `max` jobs, finishes each as succeeded, and repeats
 * until it has done `count` jobs. This is the coordinator's own cost per job (two transactions
 * and two events), with no HTTP and no process in between. Returns the elapsed milliseconds.
 */
export function claimAndFinish(coordinator: Coordinator, workerId: string, count: number, max: number): number {
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const claimed = coordinator.claim(workerId, { max: Math.min(max, count - done) });
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    for (const c of claimed) coordinator.finish(c.job.id, { attempt: c.attempt, outcome: 'succeeded', exit_code: 0 });
    done += claimed.length;
  }
  return performance.now() - start;
}

/**
 * The same, but each claim's results go back in one `finishMany` (one transaction for up to
 * `max` results), as the agent does when several jobs end together.
 */
export function claimAndFinishBatched(coordinator: Coordinator, workerId: string, count: number, max: number): number {
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const claimed = coordinator.claim(workerId, { max: Math.min(max, count - done) });
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    coordinator.finishMany({ results: claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 })) });
    done += claimed.length;
  }
  return performance.now() - start;
}

/** A worker big enough that capacity never limits a claim of small jobs. */
export function registerBenchWorker(coordinator: Coordinator, name: string, tags: string[] = []): string {
  return coordinator.registerWorker({ name, hostname: 'bench', cpus: 4096, memory_mb: 1 << 30, tags }).id;
}
