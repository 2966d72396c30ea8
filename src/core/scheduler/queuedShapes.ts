/**
 * Queued jobs grouped by requirement shape (job_shapes): a claim looks at the head of each shape
 * instead of walking the queue row by row, so a backlog that cannot run on a worker costs one index
 * probe per shape, not one row per job.
 */
import type { Requirements } from '../../shared';
import type { CoreContext } from '../context';

export interface Shape {
  id: number;
  requirements: Requirements;
  /** Queued jobs of this shape, claimable or waiting out a retry delay. */
  queued: number;
  /** The suite whose jobs these are (the shape key carries it, see joinSuite's shapeKey); null for jobs of no suite. */
  suite: number | null;
}

/** A position in claim order: higher priority first, then lower id. */
export interface Rank {
  id: number;
  priority: number;
}

export interface QueuedHead extends Rank {
  queued_at: number;
}

/** Shapes never change once written, so their parsed requirements are kept per database. */
const parsedShapes = new WeakMap<CoreContext, Map<number, { requirements: Requirements; suite: number | null }>>();

export function queuedShapes(ctx: CoreContext): Shape[] {
  let cache = parsedShapes.get(ctx);
  if (!cache) {
    cache = new Map();
    parsedShapes.set(ctx, cache);
  }
  const rows = ctx.sql(`SELECT s.id, s.requirements, t.n AS queued FROM job_tallies t JOIN job_shapes s ON s.id = t.key
    WHERE t.kind = 2 AND t.n > 0`).all() as Array<{ id: number; requirements: string; queued: number }>;
  return rows.map((row) => {
    let parsed = cache.get(row.id);
    if (!parsed) {
      const { suite = null, ...requirements } = JSON.parse(row.requirements) as Requirements & { suite?: number };
      parsed = { requirements, suite };
      cache.set(row.id, parsed);
    }
    return { id: row.id, requirements: parsed.requirements, queued: row.queued, suite: parsed.suite };
  });
}

export function ranksBefore(a: Rank, b: Rank): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.id < b.id);
}

/** The first claimable job of a shape ranked after `after` (or the shape's head). */
export function headAfter(ctx: CoreContext, shapeId: number, after: Rank | null): QueuedHead | undefined {
  if (!after) {
    return ctx.sql(`SELECT id, priority, queued_at FROM jobs INDEXED BY jobs_shape_claim WHERE shape_id = ? AND state = 'queued' AND retry_at IS NULL
      ORDER BY priority DESC, id LIMIT 1`).get(shapeId) as QueuedHead | undefined;
  }
  return ctx.sql(`SELECT id, priority, queued_at FROM jobs INDEXED BY jobs_shape_claim WHERE shape_id = ? AND state = 'queued' AND retry_at IS NULL
    AND (priority < ? OR (priority = ? AND id > ?)) ORDER BY priority DESC, id LIMIT 1`).get(shapeId, after.priority, after.priority, after.id) as QueuedHead | undefined;
}

/**
 * The highest-ranked claimable job of a shape, at `from` or after it, that has waited since
 * `queuedBy` or longer: the job that would reserve a worker this shape cannot fit right now.
 * The age index answers "none old enough" in one probe, the common case for a fresh sweep.
 */
export function firstOldJob(ctx: CoreContext, shapeId: number, from: Rank, queuedBy: number): Rank | undefined {
  const oldest = ctx.sql(`SELECT queued_at FROM jobs INDEXED BY jobs_shape_age WHERE shape_id = ? AND state = 'queued' AND retry_at IS NULL
    ORDER BY queued_at LIMIT 1`).get(shapeId) as { queued_at: number } | undefined;
  if (!oldest || oldest.queued_at > queuedBy) return undefined;
  return ctx.sql(`SELECT id, priority FROM jobs INDEXED BY jobs_shape_claim WHERE shape_id = ? AND state = 'queued' AND retry_at IS NULL
    AND (priority < ? OR (priority = ? AND id >= ?)) AND queued_at <= ? ORDER BY priority DESC, id LIMIT 1`)
    .get(shapeId, from.priority, from.priority, from.id, queuedBy) as Rank | undefined;
}
