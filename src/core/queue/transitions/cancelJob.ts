/**
 * cancelJob — waiting | queued | blocked | running → cancelled.
 * A running job's attempt stays open: the worker learns from its next heartbeat, kills the process
 * group and reports the attempt (finishAttempt closes it; the job stays cancelled).
 * Refuses (ConflictError): a job already succeeded, failed or cancelled.
 * Events: job.cancelled (+ job.blocked per transitive dependent).
 */
import { ConflictError, type Job } from '../../../shared';
import type { CoreContext } from '../../context';
import { blockDependents } from './blockDependents';
import { getJob, requireJobRow } from '../jobRows';

export function cancelJob(ctx: CoreContext, jobId: number, reason = 'cancelled by user'): Job {
  return ctx.tx(() => {
    const job = requireJobRow(ctx, jobId);
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') {
      throw new ConflictError(`job ${jobId} is ${job.state}; only waiting, queued, blocked or running jobs can be cancelled`, 'state');
    }
    ctx.sql("UPDATE jobs SET state = 'cancelled', finished_at = ?, retry_at = NULL, error = ? WHERE id = ?").run(ctx.now(), reason, jobId);
    ctx.emit('job.cancelled', jobId, job.worker_id, { from: job.state, reason });
    blockDependents(ctx, jobId);
    return getJob(ctx, jobId);
  });
}
