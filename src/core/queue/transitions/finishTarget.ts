import type { CoreContext } from '../../context';
import type { JobRow } from '../../store/rows';

/** The reported attempt's row, as far as a finish looks at it. */
export interface ReportedAttempt {
  outcome: string | null;
  finished_at: number | null;
  worker_id: string;
  preempt_requested_at: number | null;
  preempted_by: number | null;
}

/** What a finish reads of the job before it writes: its guards and the fields retries and errors are made of. */
export type FinishTarget = Pick<
  JobRow,
  'project_id' | 'state' | 'attempt' | 'worker_id' | 'has_dependents' | 'timeout_s' | 'error' | 'max_attempts' | 'retry_base' | 'lost_attempts' | 'preempted_attempts' | 'retry_delay_s' | 'retry_backoff'
> & {
  /** The reported attempt, or null when the job has no such attempt. */
  reported: ReportedAttempt | null;
};

/**
 * One statement reads the job's columns a finish needs with the reported attempt, as raw values:
 * a whole job row (~40 columns) and a second statement for the attempt cost a finish about twice this.
 */
const SELECT_TARGET = `SELECT j.state, j.attempt, j.worker_id, j.has_dependents, j.timeout_s, j.error, j.max_attempts, j.retry_base, j.lost_attempts,
  j.preempted_attempts, j.retry_delay_s, j.retry_backoff, j.project_id, a.attempt, a.outcome, a.finished_at, a.worker_id, a.preempt_requested_at, a.preempted_by
  FROM jobs j LEFT JOIN attempts a ON a.job_id = j.id AND a.attempt = ? WHERE j.id = ?`;

/** The job `jobId` and its attempt `attempt` as a finish sees them, or undefined when the job does not exist. */
export function readFinishTarget(ctx: CoreContext, jobId: number, attempt: number): FinishTarget | undefined {
  const v = ctx.rawSql(SELECT_TARGET).get(attempt, jobId) as unknown[] | undefined;
  if (!v) return undefined;
  return {
    state: v[0] as JobRow['state'],
    attempt: v[1] as number,
    worker_id: v[2] as string | null,
    has_dependents: v[3] as number,
    timeout_s: v[4] as number | null,
    error: v[5] as string | null,
    max_attempts: v[6] as number,
    retry_base: v[7] as number,
    lost_attempts: v[8] as number,
    preempted_attempts: v[9] as number,
    retry_delay_s: v[10] as number,
    retry_backoff: v[11] as number,
    project_id: v[12] as number,
    // attempts.attempt is NOT NULL: null here means the LEFT JOIN found no such attempt.
    reported: v[13] === null ? null : { outcome: v[14] as string | null, finished_at: v[15] as number | null, worker_id: v[16] as string, preempt_requested_at: v[17] as number | null, preempted_by: v[18] as number | null },
  };
}
