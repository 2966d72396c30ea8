/**
 * The auth log: every authentication failure and every token created or revoked, with when,
 * from where, which token (by name, never the secret), on which route and why. Pruned by the
 * sweep with the same retention as the event log.
 */
import type { AuthLogEntry, AuthLogKind } from '../../shared';
import type { CoreContext } from '../context';

export interface AuthEvent {
  kind: AuthLogKind;
  address: string;
  /** The token's name, or "unknown" when the secret matched none. */
  token_name: string;
  route: string;
  reason: string;
}

/** Stored values are cut to this length: addresses and routes come from the client. */
const MAX_FIELD = 500;
const PRUNE_BATCH = 5_000;

export function recordAuthEvent(ctx: CoreContext, event: AuthEvent): void {
  const cut = (text: string): string => text.slice(0, MAX_FIELD);
  ctx.sql('INSERT INTO auth_log (at, kind, address, token_name, route, reason) VALUES (?, ?, ?, ?, ?, ?)')
    .run(ctx.now(), event.kind, cut(event.address), cut(event.token_name), cut(event.route), cut(event.reason));
}

export function listAuthLog(ctx: CoreContext, after = 0, limit = 1000): AuthLogEntry[] {
  return ctx.sql('SELECT id, at, kind, address, token_name, route, reason FROM auth_log WHERE id > ? ORDER BY id LIMIT ?').all(after, limit) as AuthLogEntry[];
}

/** Deletes entries older than the event retention, a batch per sweep (ids grow with time, so only the oldest are read). */
export function pruneAuthLog(ctx: CoreContext): number {
  const cutoff = ctx.now() - ctx.settings.eventRetentionMs;
  return ctx.sql('DELETE FROM auth_log WHERE id IN (SELECT id FROM auth_log ORDER BY id LIMIT ?) AND at < ?').run(PRUNE_BATCH, cutoff).changes;
}
