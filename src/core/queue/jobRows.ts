import { NotFoundError, type Job } from '../../shared';
import type { CoreContext } from '../context';
import { toJob, type JobRow } from '../store/rows';
import { suiteName } from '../suites/suiteRows';

export function findJobRow(ctx: CoreContext, id: number): JobRow | undefined {
  return ctx.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
}

export function requireJobRow(ctx: CoreContext, id: number): JobRow {
  const row = findJobRow(ctx, id);
  if (!row) throw new NotFoundError(`job ${id} does not exist`, 'id');
  return row;
}

export function getJob(ctx: CoreContext, id: number): Job {
  return jobFromRow(ctx, requireJobRow(ctx, id));
}

export function jobFromRow(ctx: CoreContext, row: JobRow): Job {
  const job = toJob(row, ctx.projectName(row.project_id));
  job.suite = row.suite_id === null ? null : suiteName(ctx, row.suite_id);
  return job;
}
