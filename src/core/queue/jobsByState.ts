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
}

/**
 * The first `limit` jobs in `states` that match `filter`, in `order`: one index range per project and
 * state that has jobs (job_counts knows which), merged row by row as the ranges are read, so no more
 * rows are read than one range over every project would, plus one read ahead per range.
 */
export function firstJobsInStates(ctx: CoreContext, states: readonly JobState[], filter: RowFilter, order: RowOrder, limit: number): JobRow[] {
  const ranges = ctx.sql(`SELECT project_id, state FROM job_counts WHERE n > 0 AND state IN (${states.map(() => '?').join(', ')})`).all(...states) as Array<{ project_id: number; state: JobState }>;
  const where = ['jobs.project_id = ?', 'jobs.state = ?', ...filter.clauses].join(' AND ');
  const sql = `SELECT * FROM jobs WHERE ${where} ORDER BY ${order.sql} LIMIT ?`;
  // A statement reads one range at a time, so each range gets its own (a listing, not a hot path).
  return mergeLanes(ranges.map(({ project_id, state }) => () => ctx.db.prepare(sql).iterate(project_id, state, ...filter.args, limit) as IterableIterator<JobRow>), order.compare, limit);
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
