/**
 * releaseDueRetries — queued jobs whose retry delay has passed become claimable.
 * In: the clock. Guards: `retry_at <= now` (an index holds only delayed jobs, so this is cheap
 * when none are due). Out: retry_at cleared; the claim index sees them again.
 * Events: job.queued (data.retry_due) per job, so parked long-polls wake for them.
 * Called at the start of every claim and by the sweep.
 *
 * Most claims find no retry due, so the earliest pending `retry_at` is kept per connection and the
 * UPDATE runs only once it may be due. The cache stays exact across processes through SQLite's
 * `PRAGMA data_version`, which changes when another connection commits (one cheap read instead of
 * the UPDATE's index probe); this connection's own writes of a `retry_at` go through noteRetryAt.
 */
import type { CoreContext } from '../../context';

/** The earliest `retry_at` pending when last read (null: none), valid while data_version stays `version`. */
interface PendingRetries {
  version: number;
  nextDueAt: number | null;
}

const pending = new WeakMap<CoreContext, PendingRetries>();

export function releaseDueRetries(ctx: CoreContext): number {
  return ctx.tx(() => {
    const now = ctx.now();
    const version = dataVersion(ctx);
    const known = pending.get(ctx);
    if (known && known.version === version && (known.nextDueAt === null || known.nextDueAt > now)) return 0;
    const due = ctx.sql('UPDATE jobs SET retry_at = NULL WHERE retry_at IS NOT NULL AND retry_at <= ? RETURNING id, state').all(now) as Array<{ id: number; state: string }>;
    for (const job of due) if (job.state === 'queued') ctx.emit('job.queued', job.id, null, { retry_due: true });
    const next = ctx.rawSql('SELECT min(retry_at) FROM jobs WHERE retry_at IS NOT NULL').get() as [number | null];
    pending.set(ctx, { version, nextDueAt: next[0] });
    return due.length;
  });
}

/**
 * Tells the cache that this connection set a job's `retry_at` (data_version does not change for a
 * connection's own commits). Lowering it when the transaction later rolls back only costs one UPDATE.
 */
export function noteRetryAt(ctx: CoreContext, at: number): void {
  const known = pending.get(ctx);
  if (known && (known.nextDueAt === null || at < known.nextDueAt)) known.nextDueAt = at;
}

function dataVersion(ctx: CoreContext): number {
  return (ctx.rawSql('PRAGMA data_version').get() as [number])[0];
}
