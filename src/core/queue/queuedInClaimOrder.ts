/**
 * Queued jobs in claim order (higher priority first, then lower id) without one index over the whole
 * queue in that order (issue 19). jobs_claim (priority DESC, id) WHERE state = 'queued' lost an entry
 * on every claim and gained one on every submit, for readers that are not the claim: the claim-order
 * listing, explain's count of jobs ahead, the preemption sweep and Slurm's direct jobs. The claim
 * itself reads each shape's head on jobs_shape_claim; these readers do the same, one lane per shape
 * with queued jobs (job_tallies knows which), merged in code, plus one lane for the jobs waiting out a
 * retry delay (jobs_retry_claim, which claims and submits never touch).
 */
import type { CoreContext } from '../context';
import type { JobRow } from '../store/rows';
import { readMerged, type RowFilter } from './jobsByState';

const CLAIM_ORDER_SQL = 'jobs.priority DESC, jobs.id ASC';
const claimOrder = (a: Rank, b: Rank): number => b.priority - a.priority || a.id - b.id;
/** The most candidates read with the filter at once; the first batch is the page itself. */
const MAX_BATCH = 1_024;

export interface Rank {
  id: number;
  priority: number;
}

export interface ClaimOrderLanes {
  /** The shapes (job_shapes ids) to read; every shape with queued jobs when absent. */
  shapes?: readonly number[];
  /** Whether jobs waiting out a retry delay are read too: they are queued, but no claim takes them yet. */
  waitingRetries: boolean;
}

interface Lane {
  index: string;
  where: string;
  args: unknown[];
}

/** Ids of the shapes that have queued jobs, from the trigger-kept tallies. */
export function shapesWithQueuedJobs(ctx: CoreContext): number[] {
  return (ctx.sql('SELECT key FROM job_tallies WHERE kind = 2 AND n > 0').all() as Array<{ key: number }>).map((row) => row.key);
}

/**
 * Each lane's condition names its partial index's WHERE terms, so SQLite may use the index, and
 * INDEXED BY makes it: without statistics the planner may otherwise pick another and scan.
 */
function lanesOf(ctx: CoreContext, { shapes, waitingRetries }: ClaimOrderLanes): Lane[] {
  const lanes: Lane[] = (shapes ?? shapesWithQueuedJobs(ctx)).map((shape) => ({ index: 'jobs_shape_claim', where: 'jobs.shape_id = ? AND jobs.retry_at IS NULL', args: [shape] }));
  if (waitingRetries) lanes.push({ index: 'jobs_retry_claim', where: 'jobs.retry_at IS NOT NULL', args: [] });
  return lanes;
}

function whereOf(lane: Lane, filter: RowFilter): string {
  return ["jobs.state = 'queued'", lane.where, ...filter.clauses].join(' AND ');
}

/**
 * The first `limit` queued jobs in claim order that match `rows`, where `range` holds clauses on
 * priority and id only (a cursor's, a lowest priority). The lanes return id and priority only, as
 * far as they are read, and are merged; the merged candidates are then read with `rows`' filter a
 * batch at a time (each candidate's row is so read twice: SQLite checks the partial index's
 * retry_at term on the row in the lane). A filter that matches few of a shape's jobs (a project
 * whose jobs are all of one shape, a tag) so costs what it cost on one index over the whole queue,
 * the entries ranked before the page's last match, where filtering inside each lane would read
 * every lane without a match to its end; and no lane reads more than the merge takes from it.
 */
export function firstQueuedInClaimOrder(ctx: CoreContext, range: RowFilter, rows: RowFilter, limit: number, lanes: ClaimOrderLanes): JobRow[] {
  return firstQueuedColumns<JobRow>(ctx, '*', range, rows, limit, lanes);
}

/**
 * The same, reading only `columns` of each job (id and priority among them): a reader that needs a
 * few, such as the preemption sweep on every submit, does not build 41-column rows.
 */
export function firstQueuedColumns<T extends Rank>(ctx: CoreContext, columns: string, range: RowFilter, rows: RowFilter, limit: number, lanes: ClaimOrderLanes): T[] {
  const openers = lanesOf(ctx, lanes).map((lane, slot) => {
    // Lanes read at once need a statement each: numbered, each slot's is compiled once and kept
    // (the preemption sweep runs on every submit while a preemptible job runs).
    const sql = `SELECT id, priority FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, range)} ORDER BY ${CLAIM_ORDER_SQL} /* lane ${slot} */`;
    return () => ctx.sql(sql).iterate(...lane.args, ...range.args) as IterableIterator<Rank>;
  });
  const read = ctx.sql(`SELECT ${columns} FROM jobs WHERE ${['jobs.id IN (SELECT value FROM json_each(?))', ...rows.clauses].join(' AND ')}`);
  return readMerged(openers, claimOrder, (candidates) => {
    const page: T[] = [];
    for (let batch = limit; page.length < limit; batch = Math.min(batch * 2, MAX_BATCH)) {
      const ids = nextIds(candidates, batch);
      if (ids.length === 0) break;
      const matches = (read.all(JSON.stringify(ids), ...rows.args) as T[]).sort(claimOrder);
      page.push(...matches.slice(0, limit - page.length));
    }
    return page;
  });
}

function nextIds(candidates: Iterator<Rank>, count: number): number[] {
  const ids: number[] = [];
  while (ids.length < count) {
    const next = candidates.next();
    if (next.done) break;
    ids.push(next.value.id);
  }
  return ids;
}

/** How many queued jobs match `filter`, counted lane by lane. */
export function countQueued(ctx: CoreContext, filter: RowFilter, lanes: ClaimOrderLanes): number {
  let total = 0;
  for (const lane of lanesOf(ctx, lanes)) {
    total += (ctx.sql(`SELECT COUNT(*) AS n FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, filter)}`).get(...lane.args, ...filter.args) as { n: number }).n;
  }
  return total;
}
