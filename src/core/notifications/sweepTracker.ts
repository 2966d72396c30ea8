/**
 * Which sweeps are done. A sweep (or batch) is two or more jobs of one project submitted in one
 * call: the coordinator writes them in one transaction, so they share created_at, which the
 * job.submitted events carry as their time. Tracked in memory from the events this process sees
 * (sweeps submitted before it started are not), bounded so one-off submits cannot grow it.
 */
export interface SweepDone {
  project: string;
  jobs: number;
  failed: number;
}

const MAX_TRACKED_JOBS = 1_000_000;

interface Batch {
  project: string;
  jobs: number[];
  open: Set<number>;
  failed: Set<number>;
}

export class SweepTracker {
  private readonly batches = new Map<string, Batch>();
  private readonly batchOf = new Map<number, string>();

  submitted(jobId: number, project: string, at: number): void {
    if (this.batchOf.size >= MAX_TRACKED_JOBS) return;
    const key = `${project}\u0000${at}`;
    const batch = this.batches.get(key) ?? { project, jobs: [], open: new Set(), failed: new Set() };
    batch.jobs.push(jobId);
    batch.open.add(jobId);
    this.batches.set(key, batch);
    this.batchOf.set(jobId, key);
  }

  retried(jobId: number): void {
    const batch = this.batchFor(jobId);
    batch?.open.add(jobId);
    batch?.failed.delete(jobId);
  }

  /** A job reached a final state; returns the sweep if that finished it. */
  finished(jobId: number, failed: boolean): SweepDone | null {
    const batch = this.batchFor(jobId);
    if (!batch || !batch.open.delete(jobId)) return null;
    if (failed) batch.failed.add(jobId);
    if (batch.open.size > 0) return null;
    // Done: forget it (a later retry of one of its jobs is not a new sweep).
    this.batches.delete(this.batchOf.get(jobId) as string);
    for (const id of batch.jobs) this.batchOf.delete(id);
    return batch.jobs.length < 2 ? null : { project: batch.project, jobs: batch.jobs.length, failed: batch.failed.size };
  }

  private batchFor(jobId: number): Batch | undefined {
    const key = this.batchOf.get(jobId);
    return key === undefined ? undefined : this.batches.get(key);
  }
}
