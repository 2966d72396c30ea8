import type { Job, JobState } from '../../shared';

/**
 * Which jobs were submitted together (a sweep or batch) and how each has ended, so the sweep can
 * be announced once when its last job finishes. Sweeps are keyed by `batchKey`; at most
 * `maxTrackedBatches` are kept, the oldest forgotten first.
 */
export interface Sweep {
  label: string;
  members: Set<number>;
  outcomes: Map<number, JobState>;
}

export interface SweepTracker {
  /** A submitted job joins the sweep of its batch key. */
  track(job: Job): void;
  /** Records a job's outcome (null: it runs again); returns its sweep if that sweep is now complete. */
  settle(jobId: number, outcome: JobState | null): Sweep | null;
  /** A removed job leaves its sweep; returns the sweep if that completes it. */
  forget(jobId: number): Sweep | null;
}

export function createSweepTracker(batchKey: (job: Job) => string, maxTrackedBatches: number): SweepTracker {
  const sweeps = new Map<string, Sweep>();
  const sweepOfJob = new Map<number, string>();

  const dropOldest = () => {
    const oldest = sweeps.keys().next().value as string;
    for (const id of sweeps.get(oldest)?.members ?? []) sweepOfJob.delete(id);
    sweeps.delete(oldest);
  };

  const settle = (jobId: number, outcome: JobState | null): Sweep | null => {
    const key = sweepOfJob.get(jobId);
    const sweep = key === undefined ? undefined : sweeps.get(key);
    if (!sweep || key === undefined) return null;
    if (outcome === null) sweep.outcomes.delete(jobId);
    else sweep.outcomes.set(jobId, outcome);
    // A lone job is no sweep; a sweep is complete when every member has an outcome.
    if (sweep.members.size < 2 || sweep.outcomes.size < sweep.members.size) return null;
    sweeps.delete(key);
    for (const id of sweep.members) sweepOfJob.delete(id);
    return sweep;
  };

  return {
    track(job) {
      const key = batchKey(job);
      let sweep = sweeps.get(key);
      if (!sweep) {
        if (sweeps.size >= maxTrackedBatches) dropOldest();
        sweep = { label: `${job.project} · ${job.name}`, members: new Set(), outcomes: new Map() };
        sweeps.set(key, sweep);
      }
      sweep.members.add(job.id);
      sweepOfJob.set(job.id, key);
    },
    settle,
    forget(jobId) {
      const key = sweepOfJob.get(jobId);
      const sweep = key === undefined ? undefined : sweeps.get(key);
      sweepOfJob.delete(jobId);
      if (!sweep) return null;
      sweep.members.delete(jobId);
      const hadOutcome = sweep.outcomes.delete(jobId);
      const [remaining] = sweep.members;
      // Removing the last unfinished member completes the sweep.
      return remaining !== undefined && !hadOutcome ? settle(remaining, sweep.outcomes.get(remaining) ?? null) : null;
    },
  };
}
