import type { Coordinator } from '../../core';
import { ConflictError, NotFoundError } from '../../shared';

/**
 * Logs and metrics are taken for the job's current attempt only (metrics while it runs), so an
 * old attempt, or one that never existed, cannot write into the job's record.
 */
export function requireCurrentAttempt(coordinator: Coordinator, jobId: number, attempt: number, what: 'logs' | 'metrics'): void {
  const holder = coordinator.attemptHolder(jobId, attempt);
  if (!holder) throw new NotFoundError(`job ${jobId} has no attempt ${attempt}`, 'attempt');
  if (!holder.current) throw new ConflictError(`attempt ${attempt} of job ${jobId} is not its current attempt; ${what} go to the current one only`, 'attempt');
  if (what === 'metrics' && holder.finished_at !== null) throw new ConflictError(`attempt ${attempt} of job ${jobId} has ended; it takes no more metrics`, 'attempt');
}
