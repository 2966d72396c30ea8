import { NotFoundError, type Job } from '../../shared';
import type { CoreContext } from '../context';
import { jobColumnList, jobRowFromValues, toJob, type JobRow } from '../store/rows';
import { suiteName } from '../suites/suiteRows';

const SELECT_JOB = `SELECT ${jobColumnList()} FROM jobs WHERE id = ?`;

export function findJobRow(ctx: CoreContext, id: number): JobRow | undefined {
  const values = ctx.rawSql(SELECT_JOB).get(id) as unknown[] | undefined;
  return values && jobRowFromValues(values);
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
