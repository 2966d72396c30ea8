import type { CoreContext } from '../context';

/** At most this many rows per sweep, so pruning a long backlog never holds the write lock for long. */
const BATCH = 5_000;

/**
 * Keeps the event log bounded: rows older than the retention go, a batch per sweep. Jobs and
 * attempts keep their own history; the events only serve live clients resuming a stream.
 */
export function pruneEvents(ctx: CoreContext): number {
  const cutoff = ctx.now() - ctx.settings.eventRetentionMs;
  // Only the oldest rows are looked at (ids grow with time), so a sweep with nothing to prune
  // reads a handful of rows, not the whole log.
  return ctx.sql('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?) AND at < ?').run(BATCH, cutoff).changes;
}
