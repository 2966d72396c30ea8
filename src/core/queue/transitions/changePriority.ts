/**
 * changePriority — sets the priority of a job that has not started (waiting, queued, blocked).
 * Refuses (ConflictError): running or final jobs, where priority no longer means anything.
 * Events: job.priority.
 */
import { ConflictError, ValidationError, LIMITS, type Job } from '../../../shared';
import type { CoreContext } from '../../context';
import { getJob, requireJobRow } from '../jobRows';

export function changePriority(ctx: CoreContext, jobId: number, priority: number): Job {
  if (!Number.isInteger(priority) || Math.abs(priority) > LIMITS.priority) {
    throw new ValidationError(`priority: must be an integer between -${LIMITS.priority} and ${LIMITS.priority}`, 'priority');
  }
  return ctx.tx(() => {
    const job = requireJobRow(ctx, jobId);
    if (job.state !== 'waiting' && job.state !== 'queued' && job.state !== 'blocked') {
      throw new ConflictError(`job ${jobId} is ${job.state}; priority can change only before it runs`, 'state');
    }
    ctx.sql('UPDATE jobs SET priority = ? WHERE id = ?').run(priority, jobId);
    ctx.emit('job.priority', jobId, null, { from: job.priority, to: priority });
    return getJob(ctx, jobId);
  });
}
