import type { PrefetchBuffer } from '../prefetch/prefetchBuffer';
import type { Outbox } from '../spool/outboxItem';
import type { RunningJobs } from './runningJobs';

export interface CancelTargets {
  runs: RunningJobs;
  prefetch?: PrefetchBuffer;
  outbox: Outbox;
}

/**
 * A cancel the coordinator sent with a heartbeat reply. A running job is stopped (its process group
 * signalled; JobRun reports the attempt). A job that has not started, still in the prefetch buffer or
 * waiting for its suite's setup, never starts: it leaves here and its attempt is closed as cancelled
 * at once, rather than running until the next beat after a slot freed for it.
 */
export function cancelAttempt(targets: CancelTargets, jobId: number, attempt: number): void {
  if (targets.runs.cancel(jobId, attempt)) return;
  if (!targets.prefetch?.drop(jobId, attempt)) return;
  targets.outbox.push({ kind: 'finish', job_id: jobId, attempt, outcome: 'cancelled', exit_code: null, error: null });
}
