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
import { mergeLanes, type RowFilter } from './jobsByState';

const CLAIM_ORDER_SQL = 'jobs.priority DESC, jobs.id ASC';
const claimOrder = (a: JobRow, b: JobRow): number => b.priority - a.priority || a.id - b.id;

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

/** The first `limit` queued jobs matching `filter`, in claim order. */
export function firstQueuedInClaimOrder(ctx: CoreContext, filter: RowFilter, limit: number, lanes: ClaimOrderLanes): JobRow[] {
  const openers = lanesOf(ctx, lanes).map((lane) => {
    const sql = `SELECT * FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, filter)} ORDER BY ${CLAIM_ORDER_SQL} LIMIT ?`;
    // A statement reads one lane at a time, so each lane gets its own (not a claim's hot path).
    return () => ctx.db.prepare(sql).iterate(...lane.args, ...filter.args, limit) as IterableIterator<JobRow>;
  });
  return mergeLanes(openers, claimOrder, limit);
}

/** How many queued jobs match `filter`, counted lane by lane. */
export function countQueued(ctx: CoreContext, filter: RowFilter, lanes: ClaimOrderLanes): number {
  let total = 0;
  for (const lane of lanesOf(ctx, lanes)) {
    total += (ctx.sql(`SELECT COUNT(*) AS n FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, filter)}`).get(...lane.args, ...filter.args) as { n: number }).n;
  }
  return total;
}
