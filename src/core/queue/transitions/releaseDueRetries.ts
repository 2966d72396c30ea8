/**
 * releaseDueRetries — queued jobs whose retry delay has passed become claimable.
 * In: the clock. Guards: `retry_at <= now` (an index holds only delayed jobs, so this is cheap
 * when none are due). Out: retry_at cleared; the claim index sees them again.
 * Events: job.queued (data.retry_due) per job, so parked long-polls wake for them.
 * Called at the start of every claim and by the sweep.
 */
import type { CoreContext } from '../../context';

export function releaseDueRetries(ctx: CoreContext): number {
  return ctx.tx(() => {
    const due = ctx.sql('UPDATE jobs SET retry_at = NULL WHERE retry_at IS NOT NULL AND retry_at <= ? RETURNING id, state').all(ctx.now()) as Array<{ id: number; state: string }>;
    for (const job of due) if (job.state === 'queued') ctx.emit('job.queued', job.id, null, { retry_due: true });
    return due.length;
  });
}
