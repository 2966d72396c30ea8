/**
 * unblockDependents — a job was retried: its blocked dependents, transitively, go back to waiting
 * when nothing else blocks them. Runs inside retryJob's transaction.
 * Guards: `state = 'blocked'` per dependent. Events: job.unblocked (data.by) per dependent.
 */
import type { CoreContext } from '../../context';
import { dependencyStates, dependentsInState, stateFromDependencies } from '../dependencyGraph';

export function unblockDependents(ctx: CoreContext, jobId: number): void {
  ctx.tx(() => {
    const stack = [jobId];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      for (const dependent of dependentsInState(ctx, id, 'blocked')) {
        const states = dependencyStates(ctx, dependent).map((d) => d.state);
        if (stateFromDependencies(states) === 'blocked') continue;
        ctx.sql("UPDATE jobs SET state = 'waiting', finished_at = NULL, error = NULL WHERE id = ? AND state = 'blocked'").run(dependent);
        ctx.emit('job.unblocked', dependent, null, { by: jobId });
        stack.push(dependent);
      }
    }
  });
}
