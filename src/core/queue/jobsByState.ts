/**
 * Jobs by state without a project: there is no (state, id) index on jobs, because every claim and
 * every finish would rewrite its entry twice (issue 19: ~12% of a claim+finish's CPU). The
 * (project_id, state, id) index answers instead, probed once per project.
 */
import type { JobState } from '../../shared';
import type { CoreContext } from '../context';
import type { JobRow } from '../store/rows';

/**
 * Added to a query that filters jobs by state but not by project, so SQLite probes
 * jobs_project_state_id once per project instead of scanning the table; without it the plan
 * depends on whether statistics exist yet.
 */
export const IN_ANY_PROJECT = 'project_id IN (SELECT id FROM projects)';

export interface RowFilter {
  clauses: string[];
  args: unknown[];
}

export interface RowOrder {
  /** The ORDER BY of one probe. */
  sql: string;
  /** The same order, to merge the probes' rows. */
  compare: (a: JobRow, b: JobRow) => number;
  /** The same order over index ranges that yield it without sorting (absent where a range must be sorted). */
  lane?: LaneOrder;
}

/** An order index ranges yield as they are read, for mergedAlongRanges. */
export interface LaneOrder {
  /** What each range selects: the job's id as lane_id, and whatever else the order compares. */
  columns: string;
  /** The ORDER BY of the merge, over those columns. */
  sql: string;
}

/** One index range of jobs: its FROM (naming the index where the planner must not choose) and WHERE. */
export interface JobRange {
  from: string;
  where: string[];
  args: unknown[];
}

/** SQLite's limit on the arms of one compound SELECT (SQLITE_MAX_COMPOUND_SELECT). */
const MAX_ARMS = 500;

type Statement = ReturnType<CoreContext['sql']>;

/**
 * Arms of compiled merges kept per connection. A merge's text holds one arm per range, so each
 * number of lanes (queued shapes, projects with jobs in a state) seen is a statement of its own, and
 * ctx.sql keeps every statement for the connection's life: a coordinator whose queue went through
 * 1 to 500 shapes kept 125,000 arms, ~2.8 KB of SQLite's memory each (349 MB, scratch). 4,096 arms
 * (~11 MB) hold the merges in use, a page of 2,000 lanes among them, and let older ones go (review
 * of issue 19).
 */
const KEPT_ARMS = 4_096;

interface KeptMerges {
  /** Least recently used first. */
  statements: Map<string, { statement: Statement; arms: number }>;
  arms: number;
}

const keptMerges = new WeakMap<CoreContext, KeptMerges>();

/** The compiled merge of `sql` (`arms` arms), kept least-recently-used within KEPT_ARMS. */
function mergeStatement(ctx: CoreContext, sql: string, arms: number): Statement {
  let kept = keptMerges.get(ctx);
  if (!kept) keptMerges.set(ctx, (kept = { statements: new Map(), arms: 0 }));
  const hit = kept.statements.get(sql);
  if (hit) {
    kept.statements.delete(sql);
    kept.statements.set(sql, hit);
    return hit.statement;
  }
  const statement = ctx.db.prepare(sql);
  kept.statements.set(sql, { statement, arms });
  kept.arms += arms;
  // A statement let go is finalized once nothing holds it: a group being read keeps its own.
  for (const [oldest, entry] of kept.statements) {
    if (kept.arms <= KEPT_ARMS || oldest === sql) break;
    kept.statements.delete(oldest);
    kept.arms -= entry.arms;
  }
  return statement;
}

/**
 * The first `limit` jobs in `states` that match `filter`, in `order`, where `range` holds clauses on
 * id only (a cursor's): one index range per project and state that has jobs (job_counts knows
 * which). In id order the ranges' entries are merged and each candidate's row read once with the
 * filter (mergedAlongRanges), so a range without a match is read only as far as the page reaches,
 * where reading each range with the filter read it to its end (issue 19). An order the index does not
 * hold (priority) sorts each range whatever is done, so each is read with the filter and its first
 * `limit` rows merged.
 */
export function firstJobsInStates(ctx: CoreContext, states: readonly JobState[], range: RowFilter, filter: RowFilter, order: RowOrder, limit: number): JobRow[] {
  const pairs = ctx.sql(`SELECT project_id, state FROM job_counts WHERE n > 0 AND state IN (${states.map(() => '?').join(', ')})`).all(...states) as Array<{ project_id: number; state: JobState }>;
  const ranges = pairs.map(({ project_id, state }) => ({
    from: 'jobs INDEXED BY jobs_project_state_id',
    where: ['jobs.project_id = ?', 'jobs.state = ?', ...range.clauses],
    args: [project_id, state, ...range.args],
  }));
  if (order.lane) return mergedAlongRanges<JobRow>(ctx, 'jobs.*', ranges, filter, { ...order.lane, compare: order.compare }, limit);
  const sql = `SELECT * FROM jobs WHERE ${['jobs.project_id = ?', 'jobs.state = ?', ...range.clauses, ...filter.clauses].join(' AND ')} ORDER BY ${order.sql} LIMIT ?`;
  // A statement reads one range at a time, so each range gets its own (a listing, not a hot path).
  return mergeLanes(ranges.map((r) => () => ctx.db.prepare(sql).iterate(...r.args, ...filter.args, limit) as IterableIterator<JobRow>), order.compare, limit);
}

/**
 * The first `limit` jobs (`columns` of each) along `ranges` that match `filter`, in `order`. SQLite
 * merges the ranges' index entries (a compound SELECT whose arms each come in the merge's order is
 * merged, not sorted, and read only as far as the outer query asks) and reads each candidate's row
 * once, as it comes, stopping at the page's last match. Ranges beyond one compound SELECT's limit are
 * merged in groups, and the groups' rows in code; a group without a match is then read to its end.
 */
export function mergedAlongRanges<T>(ctx: CoreContext, columns: string, ranges: readonly JobRange[], filter: RowFilter, order: LaneOrder & { compare: (a: T, b: T) => number }, limit: number): T[] {
  const where = filter.clauses.length > 0 ? `WHERE ${filter.clauses.join(' AND ')}` : '';
  const openers: Array<() => IterableIterator<T>> = [];
  for (let from = 0; from < ranges.length; from += MAX_ARMS) {
    const group = ranges.slice(from, from + MAX_ARMS);
    const arms = group.map((r) => `SELECT ${order.columns} FROM ${r.from} WHERE ${r.where.join(' AND ')}`);
    // LIMIT -1 keeps the merge's ORDER BY (SQLite may drop a subquery's ORDER BY without one) and
    // CROSS JOIN keeps the merge the outer loop, so rows come in its order. Groups are read at once,
    // so each needs a statement of its own: numbered.
    const sql = `SELECT ${columns} FROM (${arms.join(' UNION ALL ')} ORDER BY ${order.sql} LIMIT -1) AS lane CROSS JOIN jobs ON jobs.id = lane.lane_id ${where} LIMIT ? /* group ${from} */`;
    const args = [...group.flatMap((r) => r.args), ...filter.args, limit];
    // One group, the usual case, is the page itself: read at once, not row by row.
    if (ranges.length <= MAX_ARMS) return mergeStatement(ctx, sql, group.length).all(...args) as T[];
    openers.push(() => mergeStatement(ctx, sql, group.length).iterate(...args) as IterableIterator<T>);
  }
  return mergeLanes(openers, order.compare, limit);
}

/** The first `limit` rows of several lanes, each already in `compare`'s order, merged (see readMerged). */
function mergeLanes<T>(openers: ReadonlyArray<() => IterableIterator<T>>, compare: (a: T, b: T) => number, limit: number): T[] {
  return readMerged(openers, compare, (merged) => {
    const rows: T[] = [];
    while (rows.length < limit) {
      const next = merged.next();
      if (next.done) break;
      rows.push(next.value);
    }
    return rows;
  });
}

/**
 * Hands `read` the rows of several lanes, each already in `compare`'s order, merged row by row as
 * they are read, so no more rows are read than one range over all of them would, plus one read ahead
 * per lane. Each lane is opened before `read` runs and closed after it, whatever it throws.
 */
export function readMerged<T, R>(openers: ReadonlyArray<() => IterableIterator<T>>, compare: (a: T, b: T) => number, read: (merged: Iterator<T>) => R): R {
  const lanes: Array<IterableIterator<T>> = [];
  try {
    for (const open of openers) lanes.push(open());
    return read(mergeInOrder(lanes, compare));
  } finally {
    for (const lane of lanes) lane.return?.();
  }
}

function* mergeInOrder<T>(lanes: ReadonlyArray<Iterator<T>>, compare: (a: T, b: T) => number): Generator<T> {
  const heads = lanes.map((lane) => lane.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      if (!heads[i].done && (best < 0 || compare(heads[i].value as T, heads[best].value as T) < 0)) best = i;
    }
    if (best < 0) return;
    yield heads[best].value as T;
    heads[best] = lanes[best].next();
  }
}
