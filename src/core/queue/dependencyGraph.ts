/**
 * Reads of the dependency graph. The writes that follow it (block, release, unblock dependents)
 * are transitions, in transitions/.
 */
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

export function dependentsInState(ctx: CoreContext, jobId: number, state: JobState): number[] {
  return (
    ctx
      .sql('SELECT jobs.id FROM job_deps JOIN jobs ON jobs.id = job_deps.job_id WHERE job_deps.depends_on = ? AND jobs.state = ?')
      .all(jobId, state) as Array<{ id: number }>
  ).map((r) => r.id);
}
