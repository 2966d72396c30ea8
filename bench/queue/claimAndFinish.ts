import type { Coordinator } from '../../src/core';

/**
 * One in-process worker that claims up to `max` jobs, finishes them as succeeded, and repeats
 * until it has done `count` jobs: the coordinator's own cost per job, with no HTTP and no process
 * in between. `batched` sends each claim's results back in one `finishMany` (one transaction, as
 * the agent does when several jobs end together) instead of one `finish` each. Returns milliseconds.
 */
export function claimAndFinish(coordinator: Coordinator, workerId: string, count: number, max: number, batched = false): number {
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const claimed = coordinator.claim(workerId, { max: Math.min(max, count - done) });
    if (claimed.length === 0) throw new Error(`the queue ran dry after ${done} of ${count} jobs`);
    const results = claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    if (batched) coordinator.finishMany({ results });
    else for (const { job_id, ...report } of results) coordinator.finish(job_id, report);
    done += claimed.length;
  }
  return performance.now() - start;
}

/** A worker big enough that capacity never limits a claim of small jobs. */
export function registerBenchWorker(coordinator: Coordinator, name: string, tags: string[] = []): string {
  return coordinator.registerWorker({ name, hostname: 'bench', cpus: 4096, memory_mb: 1 << 30, tags }).id;
}
