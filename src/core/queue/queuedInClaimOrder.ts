/**
 * Queued jobs in claim order (higher priority first, then lower id) without one index over the whole
 * queue in that order (issue 19). jobs_claim (priority DESC, id) WHERE state = 'queued' lost an entry
 * on every claim and gained one on every submit, for readers that are not the claim: the claim-order
 * listing, explain's count of jobs ahead, the preemption sweep and Slurm's direct jobs. The claim
 * itself reads each shape's head on jobs_shape_claim; these readers do the same, one lane per shape
 * with queued jobs (job_tallies knows which), plus one lane for the jobs waiting out a retry delay
 * (jobs_retry_claim, which claims and submits never touch), merged by SQLite for a listing's page and
 * in code for the few jobs the preemption sweep reads.
 */
import type { CoreContext } from '../context';
import type { JobRow } from '../store/rows';
import { mergedAlongRanges, readMerged, type JobRange, type RowFilter } from './jobsByState';

/** The most candidates read with the filter at once; the first batch is the page itself. */
const MAX_BATCH = 1_024;
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
  const ranges: JobRange[] = lanesOf(ctx, lanes).map((lane) => ({ from: `jobs INDEXED BY ${lane.index}`, where: [whereOf(lane, range)], args: [...lane.args, ...range.args] }));
  return mergedAlongRanges<JobRow>(ctx, 'jobs.*', ranges, rows, CLAIM_ORDER, limit);
}

/**
 * The same for a reader that wants a few jobs and a few of their `columns` (id and priority among
 * them), such as the preemption sweep (20 jobs) on every submit while a preemptible job runs: the
 * lanes are merged in code and the candidates read with the filter a batch at a time, the first
 * batch being the page. SQLite's merge costs more to start, ~6 us a lane against ~4 (8 lanes: 102
 * against 30-44 us for 20 entries, scratch), and less per entry (~0.2 us against ~1.2), so it pays
 * for a listing's hundreds of candidates and not for this (issue 19: a submit with the sweep over
 * 8 shapes 407-428 -> 490-548 us of CPU when the sweep went through it).
 */
export function firstQueuedColumns<T extends Rank>(ctx: CoreContext, columns: string, range: RowFilter, rows: RowFilter, limit: number, lanes: ClaimOrderLanes): T[] {
  const openers = lanesOf(ctx, lanes).map((lane, slot) => {
    // Lanes read at once need a statement each: numbered, each slot's is compiled once and kept.
    const sql = `SELECT id, priority FROM jobs INDEXED BY ${lane.index} WHERE ${whereOf(lane, range)} ORDER BY jobs.priority DESC, jobs.id ASC /* lane ${slot} */`;
    return () => ctx.sql(sql).iterate(...lane.args, ...range.args) as IterableIterator<Rank>;
  });
  const read = ctx.sql(`SELECT ${columns} FROM jobs WHERE ${['jobs.id IN (SELECT value FROM json_each(?))', ...rows.clauses].join(' AND ')}`);
  return readMerged(openers, CLAIM_ORDER.compare, (candidates) => {
    const page: T[] = [];
    for (let batch = limit; page.length < limit; batch = Math.min(batch * 2, MAX_BATCH)) {
      const ids = nextIds(candidates, batch);
      if (ids.length === 0) break;
      const matches = (read.all(JSON.stringify(ids), ...rows.args) as T[]).sort(CLAIM_ORDER.compare);
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
