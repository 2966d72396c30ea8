/**
 * expireLeases / loseAttempt — an attempt whose worker stopped renewing its lease is lost.
 * The job goes back to queued while attempts remain (counted since the last retry), else it fails
 * and blocks its dependents. A cancelled job only has its attempt closed.
 * Events: attempt.lost, then job.requeued or job.failed (+ job.blocked per dependent).
 */
import type { CoreContext } from '../../context';
import { blockDependents } from '../dependencyGraph';

/** `refund`: the worker handed the job back on purpose (a graceful stop), so the attempt does not count. */
export function loseAttempt(ctx: CoreContext, jobId: number, attempt: number, reason: string, refund = false): void {
  const now = ctx.now();
  const closed = ctx.sql("UPDATE attempts SET finished_at = ?, outcome = 'lost', error = ? WHERE job_id = ? AND attempt = ? AND finished_at IS NULL").run(now, reason, jobId, attempt).changes;
  if (closed === 0) return;
  ctx.emit('attempt.lost', jobId, null, { attempt, reason });
  if (refund) ctx.sql("UPDATE jobs SET retry_base = retry_base + 1 WHERE id = ? AND state = 'running' AND attempt = ?").run(jobId, attempt);
  const job = ctx.sql("SELECT attempt, retry_base, max_attempts FROM jobs WHERE id = ? AND state = 'running' AND attempt = ?").get(jobId, attempt) as
    | { attempt: number; retry_base: number; max_attempts: number }
    | undefined;
  if (!job) return;
  if (job.attempt - job.retry_base < job.max_attempts) {
    ctx.sql("UPDATE jobs SET state = 'queued', worker_id = NULL, queued_at = ?, error = ? WHERE id = ?").run(now, `attempt ${attempt} lost: ${reason}`, jobId);
    ctx.emit('job.requeued', jobId, null, { attempt, reason: 'lost' });
  } else {
    ctx.sql("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?").run(now, `attempt ${attempt} lost: ${reason}; attempts spent`, jobId);
    ctx.emit('job.failed', jobId, null, { attempt, reason: 'lost' });
    blockDependents(ctx, jobId);
  }
}

/** Marks every attempt whose lease ran out as lost; returns how many. */
export function expireLeases(ctx: CoreContext): number {
  return ctx.tx(() => {
    const expired = ctx.sql('SELECT job_id, attempt, worker_id FROM attempts WHERE finished_at IS NULL AND lease_expires_at < ?').all(ctx.now()) as Array<{
      job_id: number;
      attempt: number;
      worker_id: string;
    }>;
    for (const a of expired) loseAttempt(ctx, a.job_id, a.attempt, `lease expired on worker ${a.worker_id}`);
    return expired.length;
  });
}
