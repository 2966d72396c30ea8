/**
 * releaseDependents — a job succeeded: its waiting dependents whose dependencies all succeeded are queued.
 * In: the job id. Runs inside finishAttempt's transaction.
 * Guards: `state = 'waiting'` per dependent. Events: job.queued (data.after) per dependent.
 */
import type { CoreContext } from '../../context';
import { dependencyStates, dependentsInState, stateFromDependencies } from '../dependencyGraph';

export function releaseDependents(ctx: CoreContext, jobId: number): void {
  ctx.tx(() => {
    const now = ctx.now();
    for (const dependent of dependentsInState(ctx, jobId, 'waiting')) {
      const states = dependencyStates(ctx, dependent).map((d) => d.state);
      if (stateFromDependencies(states) !== 'queued') continue;
      ctx.sql("UPDATE jobs SET state = 'queued', queued_at = ? WHERE id = ? AND state = 'waiting'").run(now, dependent);
      ctx.emit('job.queued', dependent, null, { after: jobId });
    }
  });
}
