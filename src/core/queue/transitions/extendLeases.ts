/**
 * extendLeases — time the coordinator did not run (closed, crashed, suspended, SIGSTOPped, VM
 * paused) must not count against leases or worker liveness: agents kept running and could not
 * reach it.
 * In: how long the coordinator was away (`extendLeasesForPause`), or the grace an opening
 * coordinator gives agents to come back (`graceOnOpen`).
 * Out: open attempts' leases and non-offline workers' last-seen times move forward. No state
 * changes, so no events.
 */
import type { CoreContext } from '../../context';

export function extendLeasesForPause(ctx: CoreContext, pausedMs: number): void {
  if (pausedMs <= 0) return;
  ctx.tx(() => {
    ctx.sql('UPDATE attempts SET lease_expires_at = lease_expires_at + ? WHERE finished_at IS NULL').run(pausedMs);
    ctx.sql("UPDATE workers SET last_seen_at = last_seen_at + ? WHERE state <> 'offline'").run(pausedMs);
  });
}

export function graceOnOpen(ctx: CoreContext): void {
  ctx.tx(() => {
    const now = ctx.now();
    ctx.sql('UPDATE attempts SET lease_expires_at = MAX(lease_expires_at, ?) WHERE finished_at IS NULL').run(now + ctx.settings.restartGraceMs);
    ctx.sql("UPDATE workers SET last_seen_at = MAX(last_seen_at, ?) WHERE state <> 'offline'").run(now - ctx.settings.workerTimeoutMs + ctx.settings.restartGraceMs);
  });
}
