/**
 * loseAttempt — an attempt ended for a reason that is not the job's fault: its lease expired, its
 * worker restarted without it, went silent or was deregistered, or the agent handed it back.
 * In: job id, attempt, reason, whether the worker handed it back on purpose.
 * Guards: the attempt is still open (`finished_at IS NULL`, changed-row check); the job moves only
 * while that attempt is its current one (`state = 'running' AND attempt = ?`).
 * Out: the attempt closes as lost with the reason (history keeps each one). The job re-queues
 * without spending max_attempts (as Slurm requeues on node failure) while it has been lost at most
 * max_lost_attempts times since the last retry; past that it fails, and its dependents block.
 * A cancelled job only has its attempt closed.
 * Events: attempt.lost, then job.requeued or job.failed (+ job.blocked per dependent).
 */
import type { CoreContext } from '../../context';
import { blockDependents } from './blockDependents';

export function loseAttempt(ctx: CoreContext, jobId: number, attempt: number, reason: string, handedBack = false): void {
  const now = ctx.now();
  const closed = ctx.sql("UPDATE attempts SET finished_at = ?, outcome = 'lost', error = ? WHERE job_id = ? AND attempt = ? AND finished_at IS NULL").run(now, reason, jobId, attempt).changes;
  if (closed === 0) return;
  ctx.emit('attempt.lost', jobId, null, { attempt, reason, handed_back: handedBack });
  const job = ctx.sql("UPDATE jobs SET lost_attempts = lost_attempts + 1 WHERE id = ? AND state = 'running' AND attempt = ? RETURNING lost_attempts, max_lost_attempts").get(jobId, attempt) as
    | { lost_attempts: number; max_lost_attempts: number }
    | undefined;
  if (!job) return;
  const cause = handedBack ? 'handed_back' : 'lost';
  if (job.lost_attempts <= job.max_lost_attempts) {
    ctx.sql("UPDATE jobs SET state = 'queued', worker_id = NULL, queued_at = ?, retry_at = NULL, error = ? WHERE id = ?").run(now, `attempt ${attempt} lost: ${reason}`, jobId);
    ctx.emit('job.requeued', jobId, null, { attempt, reason: cause });
  } else {
    const error = `attempt ${attempt} lost: ${reason}; lost ${job.lost_attempts} times, more than max_lost_attempts (${job.max_lost_attempts})`;
    ctx.sql("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?").run(now, error, jobId);
    ctx.emit('job.failed', jobId, null, { attempt, reason: cause });
    blockDependents(ctx, jobId);
  }
}
