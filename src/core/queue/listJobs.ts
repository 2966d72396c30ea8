/**
 * Listing and counting jobs with filters and keyset pagination. Each sort has an index that
 * serves it (see the migration), so a page costs the same on the millionth job as on the first.
 */
import { JOB_STATES, JobListQuery, ValidationError, parseOrThrow, type JobCounts, type JobFilter, type JobPage, type JobState } from '../../shared';
import type { CoreContext } from '../context';
import type { JobRow } from '../store/rows';
import { jobFromRow } from './jobRows';
import { unrunnableShapes } from '../scheduler/unrunnable';
import { IN_ANY_PROJECT, firstJobsInStates, type RowFilter, type RowOrder } from './jobsByState';
import { countQueued, firstQueuedInClaimOrder } from './queuedInClaimOrder';

function filterClauses(ctx: CoreContext, filter: JobFilter): RowFilter {
  const clauses: string[] = [];
  const args: unknown[] = [];
  if (filter.project !== undefined) {
    const project = ctx.sql('SELECT id FROM projects WHERE name = ?').get(filter.project) as { id: number } | undefined;
    clauses.push('jobs.project_id = ?');
    args.push(project?.id ?? -1);
  }
  if (filter.state !== undefined) {
    const states = Array.isArray(filter.state) ? filter.state : [filter.state];
    clauses.push(`jobs.state IN (${states.map(() => '?').join(', ')})`);
    args.push(...states);
  }
  if (filter.tag !== undefined) {
    clauses.push('jobs.id IN (SELECT job_id FROM job_tags WHERE tag = ?)');
    args.push(filter.tag);
  }
  if (filter.ids !== undefined) {
    clauses.push(`jobs.id IN (${filter.ids.map(() => '?').join(', ')})`);
    args.push(...filter.ids);
  }
  if (filter.worker_id !== undefined) {
    clauses.push('jobs.worker_id = ?');
    args.push(filter.worker_id);
  }
  if (filter.text !== undefined && filter.text !== '') {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push("(jobs.name LIKE ? ESCAPE '\\' OR jobs.command LIKE ? ESCAPE '\\')");
    args.push(pattern, pattern);
  }
  return { clauses, args };
}

function decodeCursor(cursor: string): number[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.every((p) => Number.isInteger(p))) return parts as number[];
  } catch {
    // fall through to the error below: a cursor is opaque, so any damage is the same mistake
  }
  throw new ValidationError('cursor: not a cursor this server returned', 'cursor');
}

const encodeCursor = (parts: number[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

export function listJobs(ctx: CoreContext, input: unknown): JobPage {
  const query = parseOrThrow(JobListQuery, input ?? {});
  const states = query.state === undefined ? undefined : [query.state].flat();
  // The queue in claim order is read as the claim reads it, shape by shape (see queuedInClaimOrder.ts);
  // other states sort their matches.
  const claimOrder = query.sort === 'priority' && states?.length === 1 && states[0] === 'queued';
  // A tag or an id list names its own jobs, and SQLite reads those; otherwise a state is read per project.
  const byState = states !== undefined && query.project === undefined && !claimOrder && query.tag === undefined && query.ids === undefined;
  const filter = claimOrder ? laneFilter(ctx, query) : filterClauses(ctx, byState ? { ...query, state: undefined } : query);
  const order = rowOrder(query.sort);
  const range: RowFilter = { clauses: [], args: [] };
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    if (query.sort === 'priority') {
      // `priority <= ?` lets an index in priority order seek to the cursor; the OR alone cannot.
      range.clauses.push('jobs.priority <= ?', '(jobs.priority < ? OR jobs.id > ?)');
      range.args.push(cursor[0], cursor[0], cursor[1]);
    } else {
      range.clauses.push(query.sort === '-id' ? 'jobs.id < ?' : 'jobs.id > ?');
      range.args.push(cursor[0]);
    }
  }
  let rows: JobRow[];
  if (claimOrder) rows = firstQueuedInClaimOrder(ctx, range, filter, query.limit + 1, { waitingRetries: true });
  else if (byState) rows = firstJobsInStates(ctx, states, range, filter, order, query.limit + 1);
  else rows = listFrom(ctx, { clauses: [...filter.clauses, ...range.clauses], args: [...filter.args, ...range.args] }, order, query.limit + 1);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  const next = more && last ? encodeCursor(query.sort === 'priority' ? [last.priority, last.id] : [last.id]) : null;
  return { jobs: page.map((row) => jobFromRow(ctx, row)), next_cursor: next };
}

/**
 * The filter of a read along the queued lanes (queuedInClaimOrder.ts: the claim-order listing, the
 * unrunnable count), checked on each job the lanes yield: its tag is probed per job, where the IN
 * list of filterClauses would read every job with the tag.
 */
function laneFilter(ctx: CoreContext, query: JobFilter): RowFilter {
  const filter = filterClauses(ctx, { ...query, state: undefined, tag: undefined });
  if (query.tag !== undefined) {
    filter.clauses.push('EXISTS (SELECT 1 FROM job_tags WHERE job_tags.tag = ? AND job_tags.job_id = jobs.id)');
    filter.args.push(query.tag);
  }
  return filter;
}

function rowOrder(sort: JobListQuery['sort']): RowOrder {
  if (sort === 'priority') return { sql: 'jobs.priority DESC, jobs.id ASC', compare: (a, b) => b.priority - a.priority || a.id - b.id };
  // Ids are in the order of every index on (project_id, state, id), so ranges of it merge unsorted.
  if (sort === '-id') return { sql: 'jobs.id DESC', compare: (a, b) => b.id - a.id, lane: { columns: 'jobs.id AS lane_id', sql: 'lane_id DESC' } };
  return { sql: 'jobs.id ASC', compare: (a, b) => a.id - b.id, lane: { columns: 'jobs.id AS lane_id', sql: 'lane_id ASC' } };
}

function listFrom(ctx: CoreContext, filter: RowFilter, order: RowOrder, limit: number): JobRow[] {
  const where = filter.clauses.length > 0 ? `WHERE ${filter.clauses.join(' AND ')}` : '';
  return ctx.sql(`SELECT * FROM jobs ${where} ORDER BY ${order.sql} LIMIT ?`).all(...filter.args, limit) as JobRow[];
}

export function countJobs(ctx: CoreContext, filter: JobFilter = {}): JobCounts {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  const simple = filter.tag === undefined && (filter.text === undefined || filter.text === '') && filter.worker_id === undefined && filter.ids === undefined;
  let rows: Array<{ state: JobState; n: number }>;
  if (simple) {
    // The trigger-kept table answers in microseconds even over millions of jobs.
    const project = filter.project === undefined ? undefined : (ctx.sql('SELECT id FROM projects WHERE name = ?').get(filter.project) as { id: number } | undefined);
    rows = filter.project === undefined
      ? (ctx.sql('SELECT state, SUM(n) AS n FROM job_counts GROUP BY state').all() as typeof rows)
      : (ctx.sql('SELECT state, n FROM job_counts WHERE project_id = ?').all(project?.id ?? -1) as typeof rows);
  } else {
    const { clauses, args } = filterClauses(ctx, filter);
    let from = 'jobs';
    if (filter.state !== undefined && filter.project === undefined) {
      if (filter.tag === undefined && filter.ids === undefined && isMostOfTheTable(ctx, [filter.state].flat())) from = 'jobs NOT INDEXED';
      else clauses.push(IN_ANY_PROJECT);
    }
    rows = ctx.sql(`SELECT jobs.state, COUNT(*) AS n FROM ${from} WHERE ${clauses.join(' AND ')} GROUP BY jobs.state`).all(...args) as typeof rows;
  }
  const wanted = filter.state === undefined ? null : new Set(Array.isArray(filter.state) ? filter.state : [filter.state]);
  for (const row of rows) if (!wanted || wanted.has(row.state)) counts[row.state] += row.n;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const unrunnable = wanted && !wanted.has('queued') ? 0 : countUnrunnable(ctx, filter, simple && filter.project === undefined);
  return { total, unrunnable, ...counts };
}

/**
 * Whether `states` hold more than a tenth of all jobs, so that counting them with a text or worker
 * filter (which every job must be read for) costs less reading the whole table in order than each
 * project's range of them row by row: ~0.23 us a job against ~2.2 us a job in a range, at 1M jobs
 * (issue 19, scratch: the queued state, 95% of them, 1.5 s along the ranges, 0.23 s scanned;
 * succeeded, 4.5%, 97 ms against 227).
 */
function isMostOfTheTable(ctx: CoreContext, states: readonly JobState[]): boolean {
  const row = ctx.sql(`SELECT COALESCE(SUM(CASE WHEN state IN (${states.map(() => '?').join(', ')}) THEN n END), 0) AS chosen, COALESCE(SUM(n), 0) AS total FROM job_counts`).get(...states) as { chosen: number; total: number };
  return row.chosen * 10 > row.total;
}

/**
 * Queued jobs matching the filter that no worker ever seen could run (see scheduler/unrunnable.ts),
 * counted along those shapes' lanes, and among the jobs waiting out a retry delay, so the count reads
 * the unrunnable jobs only: one statement over jobs with a text or worker filter read every job.
 */
function countUnrunnable(ctx: CoreContext, filter: JobFilter, unfiltered: boolean): number {
  const shapes = unrunnableShapes(ctx);
  if (shapes.shapeIds.length === 0 || unfiltered) return shapes.queued;
  const rows = laneFilter(ctx, { ...filter, state: undefined });
  rows.clauses.push(`jobs.shape_id IN (${shapes.shapeIds.map(() => '?').join(', ')})`);
  rows.args.push(...shapes.shapeIds);
  return countQueued(ctx, rows, { shapes: shapes.shapeIds, waitingRetries: true });
}
