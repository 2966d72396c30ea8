import { NotFoundError, type Job } from '../../shared';
import type { CoreContext } from '../context';
import { JOB_SELECT, toJob, type JobRow } from '../store/rows';

export function findJobRow(ctx: CoreContext, id: number): JobRow | undefined {
  return ctx.sql(`${JOB_SELECT} WHERE jobs.id = ?`).get(id) as JobRow | undefined;
}

export function requireJobRow(ctx: CoreContext, id: number): JobRow {
  const row = findJobRow(ctx, id);
  if (!row) throw new NotFoundError(`job ${id} does not exist`, 'id');
  return row;
}

export function getJob(ctx: CoreContext, id: number): Job {
  return toJob(requireJobRow(ctx, id));
}
