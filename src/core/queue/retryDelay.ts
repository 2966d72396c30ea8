import { LIMITS } from '../../shared';
import { countedAttempts, type JobRow } from '../store/rows';

/**
 * How long a job that just failed waits before it is claimable again: retry_delay_s, doubled per
 * earlier counted failure when retry_backoff is on (the attempt that just failed is counted), capped
 * at LIMITS.retryDelayS so a long-retrying job never waits for years.
 */
export function retryDelayMs(job: Pick<JobRow, 'attempt' | 'retry_base' | 'lost_attempts' | 'preempted_attempts' | 'retry_delay_s' | 'retry_backoff'>): number {
  if (job.retry_delay_s <= 0) return 0;
  const failures = Math.max(1, countedAttempts(job));
  const factor = job.retry_backoff ? 2 ** Math.min(failures - 1, 30) : 1;
  return Math.min(job.retry_delay_s * factor, LIMITS.retryDelayS) * 1000;
}
