/**
 * retryJob — failed | cancelled | blocked → queued (dependencies succeeded) or waiting (still running).
 * Grants max_attempts fresh attempts (and max_lost_attempts fresh losses) and unblocks blocked dependents, transitively.
 * Refuses (ConflictError): any other state; a cancelled job whose attempt is still stopping; a dependency that is itself failed, cancelled or
 * blocked (retry that one first — the message names it).
 * Events: job.retried (data.state), job.unblocked per dependent.
 */
import { ConflictError, RETRYABLE_STATES, type Job } from '../../../shared';
import type { CoreContext } from '../../context';
import { dependencyStates, stateFromDependencies } from '../dependencyGraph';
import { unblockDependents } from './unblockDependents';
import { getJob, requireJobRow } from '../jobRows';

export function retryJob(ctx: CoreContext, jobId: number): Job {
  return ctx.tx(() => {
    const job = requireJobRow(ctx, jobId);
    if (!RETRYABLE_STATES.includes(job.state)) {
      throw new ConflictError(`job ${jobId} is ${job.state}; only failed, cancelled or blocked jobs can be retried`, 'state');
    }
    const open = ctx.sql('SELECT worker_id FROM attempts WHERE job_id = ? AND finished_at IS NULL').get(jobId) as { worker_id: string } | undefined;
    if (open) throw new ConflictError(`job ${jobId} is still stopping on worker ${open.worker_id}; retry it once that attempt has ended`, 'state');
    const deps = dependencyStates(ctx, jobId);
    const state = stateFromDependencies(deps.map((d) => d.state));
    if (state === 'blocked') {
      const culprit = deps.find((d) => d.state === 'failed' || d.state === 'cancelled' || d.state === 'blocked');
      throw new ConflictError(`job ${jobId} depends on job ${culprit?.id}, which is ${culprit?.state}; retry that job first`, 'depends_on');
    }
    const now = ctx.now();
    ctx.sql('UPDATE jobs SET state = ?, retry_base = attempt, lost_attempts = 0, preempted_attempts = 0, retry_at = NULL, worker_id = NULL, exit_code = NULL, error = NULL, finished_at = NULL, queued_at = ? WHERE id = ?')
      .run(state, state === 'queued' ? now : null, jobId);
    ctx.emit('job.retried', jobId, null, { from: job.state, state });
    unblockDependents(ctx, jobId);
    return getJob(ctx, jobId);
  });
}
