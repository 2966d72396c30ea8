import type { ClaimedJob } from '../../shared';

/**
 * `--prefetch N`: up to N claimed jobs wait here for a free slot, so the next job starts the moment
 * one frees, without a claim round trip. They are claimed attempts like any other: heartbeats renew
 * their leases, registering lists them, and a graceful stop hands them back by deregistering, which
 * re-queues them without spending an attempt.
 */
export class PrefetchBuffer {
  private readonly jobs: ClaimedJob[] = [];

  constructor(readonly size: number) {}

  /** How many more jobs the buffer takes. */
  get room(): number {
    return Math.max(0, this.size - this.jobs.length);
  }

  get length(): number {
    return this.jobs.length;
  }

  push(claimed: ClaimedJob): void {
    this.jobs.push(claimed);
  }

  shift(): ClaimedJob | undefined {
    return this.jobs.shift();
  }

  /** Attempts held in the buffer, as registration reports them. */
  held(): Array<{ job_id: number; attempt: number }> {
    return this.jobs.map((claimed) => ({ job_id: claimed.job.id, attempt: claimed.attempt }));
  }

  /** A buffered job the coordinator cancelled or took back: dropped, never started. */
  drop(jobId: number, attempt: number): boolean {
    const index = this.jobs.findIndex((claimed) => claimed.job.id === jobId && claimed.attempt === attempt);
    if (index >= 0) this.jobs.splice(index, 1);
    return index >= 0;
  }
}
