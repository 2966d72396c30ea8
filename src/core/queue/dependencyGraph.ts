import type { JobState } from '../../shared';
import type { CoreContext } from '../context';

/** The state a job with these dependency states starts in (or returns to after a retry). */
export function stateFromDependencies(depStates: JobState[]): 'queued' | 'waiting' | 'blocked' {
  if (depStates.some((s) => s === 'failed' || s === 'cancelled' || s === 'blocked')) return 'blocked';
  if (depStates.every((s) => s === 'succeeded')) return 'queued';
  return 'waiting';
}

export function dependencyStates(ctx: CoreContext, jobId: number): Array<{ id: number; state: JobState }> {
  return ctx
    .sql('SELECT jobs.id, jobs.state FROM job_deps JOIN jobs ON jobs.id = job_deps.depends_on WHERE job_deps.job_id = ?')
    .all(jobId) as Array<{ id: number; state: JobState }>;
}

function dependentsInState(ctx: CoreContext, jobId: number, state: JobState): number[] {
  return (
    ctx
      .sql('SELECT jobs.id FROM job_deps JOIN jobs ON jobs.id = job_deps.job_id WHERE job_deps.depends_on = ? AND jobs.state = ?')
      .all(jobId, state) as Array<{ id: number }>
  ).map((r) => r.id);
}

/** A dependency failed or was cancelled: every waiting dependent, transitively, becomes blocked. */
export function blockDependents(ctx: CoreContext, jobId: number): number[] {
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
}

/** A dependency succeeded: waiting dependents whose dependencies all succeeded become queued. */
export function releaseDependents(ctx: CoreContext, jobId: number): void {
  const now = ctx.now();
  for (const dependent of dependentsInState(ctx, jobId, 'waiting')) {
    const states = dependencyStates(ctx, dependent).map((d) => d.state);
    if (stateFromDependencies(states) !== 'queued') continue;
    ctx.sql("UPDATE jobs SET state = 'queued', queued_at = ? WHERE id = ? AND state = 'waiting'").run(now, dependent);
    ctx.emit('job.queued', dependent, null, { after: jobId });
  }
}

/** A job was retried: blocked dependents, transitively, go back to waiting when nothing else blocks them. */
export function unblockDependents(ctx: CoreContext, jobId: number): void {
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
}
