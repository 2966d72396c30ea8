import type { Attempt, Job } from '../schemas/jobs';

type AttemptCounts = Pick<Job, 'attempt' | 'counted_attempts' | 'max_attempts' | 'lost_attempts' | 'max_lost_attempts'>;

/**
 * A job's attempts in words, for `gantry show` and the console: attempts that spent the budget
 * against max_attempts, and lost or handed-back ones apart (they re-queue free, up to
 * max_lost_attempts). Counts restart at a retry, so this never reads "attempt 2 of 1".
 */
export function describeAttempts(job: AttemptCounts): string {
  if (job.attempt === 0) return 'not started yet';
  const used = `${job.counted_attempts} of ${job.max_attempts} ${job.max_attempts === 1 ? 'attempt' : 'attempts'} used`;
  if (job.lost_attempts === 0) return used;
  return `${used}; ${job.lost_attempts} lost or handed back (re-queued free, up to ${job.max_lost_attempts})`;
}

/** The same in a table cell: `1/3`, or `1/3 +2 lost`. */
export function shortAttempts(job: AttemptCounts): string {
  if (job.attempt === 0) return '-';
  const used = `${job.counted_attempts}/${job.max_attempts}`;
  return job.lost_attempts === 0 ? used : `${used} +${job.lost_attempts} lost`;
}

/** How failed attempts are retried, in words: `none`, `2, at once`, `2, after 10 s, doubling each time`. */
export function describeRetries(job: Pick<Job, 'max_attempts' | 'retry_delay_s' | 'retry_backoff'>): string {
  if (job.max_attempts <= 1) return 'none';
  const when = job.retry_delay_s === 0 ? 'at once' : `after ${job.retry_delay_s} s${job.retry_backoff ? ', doubling each time' : ''}`;
  return `${job.max_attempts - 1}, ${when}`;
}

type PreemptionFacts = Pick<Attempt, 'outcome' | 'finished_at' | 'preempt_requested_at' | 'preempted_by'>;

/**
 * What preemption did to an attempt, in words, for the victim's page and `gantry show`:
 * `preempted by #40`, `preempted by an admin`, `being preempted for #40`, or null when it was not.
 * `by` is the job it made room for (null: an admin, by hand).
 */
export function describePreemption(attempt: PreemptionFacts): { text: string; by: number | null } | null {
  const by = attempt.preempted_by ?? null;
  const whom = by === null ? 'an admin' : `#${by}`;
  if (attempt.outcome === 'preempted') return { text: `preempted by ${whom}`, by };
  if (attempt.finished_at === null && attempt.preempt_requested_at != null) return { text: by === null ? 'being preempted by an admin' : `being preempted for #${by}`, by };
  return null;
}
