/**
 * blockDependents — a job failed or was cancelled: every waiting dependent, transitively, is blocked.
 * In: the job id. Runs inside the caller's transition (failAttempt, cancelJob, loseAttempt…).
 * Guards: `state = 'waiting'` per dependent. Out: the ids blocked.
 * Events: job.blocked per dependent (data.by names the root job).
 */
import type { CoreContext } from '../../context';
import { dependentsInState } from '../dependencyGraph';

export function blockDependents(ctx: CoreContext, jobId: number): number[] {
  return ctx.tx(() => {
    const blocked: number[] = [];
    const stack = [jobId];
    const now = ctx.now();
    while (stack.length > 0) {
      const id = stack.pop() as number;
      for (const dependent of dependentsInState(ctx, id, 'waiting')) {
        ctx.sql("UPDATE jobs SET state = 'blocked', finished_at = ?, error = ? WHERE id = ? AND state = 'waiting'").run(now, `blocked by job ${jobId}`, dependent);
        ctx.emit('job.blocked', dependent, null, { by: jobId });
        blocked.push(dependent);
        stack.push(dependent);
      }
    }
    return blocked;
  });
}
