/**
 * Queued jobs in claim order (higher priority first, then lower id) without one index over the whole
 * queue in that order (issue 19). jobs_claim (priority DESC, id) WHERE state = 'queued' lost an entry
 * on every claim and gained one on every submit, for readers that are not the claim: the claim-order
 * listing, explain's count of jobs ahead, the preemption sweep and Slurm's direct jobs. The claim
 * itself reads each shape's head on jobs_shape_claim; these readers do the same, one lane per shape
 * with queued jobs (job_tallies knows which), merged by SQLite in one compound SELECT, plus one lane for
 * the jobs waiting out a retry delay (jobs_retry_claim, which claims and submits never touch).
 */
import type { CoreContext } from '../context';
import type { JobRow } from '../store/rows';
import { mergedAlongRanges, type JobRange, type RowFilter } from './jobsByState';

/** Claim order over the lanes' index entries, and over the rows read. */
const CLAIM_ORDER = {
  columns: 'jobs.id AS lane_id, jobs.priority AS lane_priority',
  sql: 'lane_priority DESC, lane_id ASC',
  compare: (a: Rank, b: Rank): number => b.priority - a.priority || a.id - b.id,
};

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
 * priority and id only (a cursor's, a lowest priority). The lanes' index entries (id and priority,
 * read from the index alone) are merged by SQLite and each candidate's row is read once, with the
 * filter, in that order until the page is full (mergedAlongRanges). A filter that matches few of a
 * shape's jobs (a project whose jobs are all of one shape, a tag) so costs what it cost on one index
 * over the whole queue, the entries ranked before the page's last match, where filtering inside each
 * lane would read every lane without a match to its end; and no lane reads more than the merge takes.
 */
export function firstQueuedInClaimOrder(ctx: CoreContext, range: RowFilter, rows: RowFilter, limit: number, lanes: ClaimOrderLanes): JobRow[] {
  return firstQueuedColumns<JobRow>(ctx, 'jobs.*', range, rows, limit, lanes);
}

/**
 * The same, reading only `columns` of each job (id and priority among them): a reader that needs a
 * few, such as the preemption sweep on every submit, does not build 41-column rows.
 */
export function firstQueuedColumns<T extends Rank>(ctx: CoreContext, columns: string, range: RowFilter, rows: RowFilter, limit: number, lanes: ClaimOrderLanes): T[] {
  const ranges: JobRange[] = lanesOf(ctx, lanes).map((lane) => ({ from: `jobs INDEXED BY ${lane.index}`, where: [whereOf(lane, range)], args: [...lane.args, ...range.args] }));
  return mergedAlongRanges<T>(ctx, columns, ranges, rows, CLAIM_ORDER, limit);
}

/** How many queued jobs match `filter`, counted lane by lane. */
export function countQueued(ctx: CoreContext, filter: RowFilter, lanes: ClaimOrderLanes): number {
  let total = 0;
  for (const lane of lanesOf(ctx, lanes)) {
    total += (ctx.sql(`SELECT COUNT(*) AS n FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, filter)}`).get(...lane.args, ...filter.args) as { n: number }).n;
  }
  return total;
}
