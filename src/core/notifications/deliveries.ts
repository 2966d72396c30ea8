/**
 * The delivery log: one row per rule a message matched, tried until the receiver answers 2xx or
 * MAX_ATTEMPTS are spent, with exponential backoff between tries. Rows are written before any
 * request, so a coordinator that stops mid-way retries them when it is back.
 */
import type { NotifyDelivery } from '../../shared';
import type { CoreContext } from '../context';
import type { NotificationMessage } from './notificationTriggers';
import { storedRules, type StoredRule } from './notifyRules';
import { webhookBody } from './webhookRequest';

export const MAX_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 10 * 60_000;

export interface DeliveryOptions {
  fetch: typeof fetch;
  /** First retry after this long, doubling each time. */
  retryBaseMs: number;
}

const matches = (rule: StoredRule, message: NotificationMessage): boolean => rule.on === message.on && (rule.project === null || message.project === null || rule.project === message.project);

/** Writes a pending delivery for each rule the message matches; returns how many. */
export function enqueueDeliveries(ctx: CoreContext, rules: StoredRule[], messages: NotificationMessage[]): number {
  const due = messages.flatMap((message) => rules.filter((rule) => matches(rule, message)).map((rule) => ({ rule, message })));
  if (due.length === 0) return 0;
  ctx.tx(() => {
    for (const { rule, message } of due) {
      ctx.sql("INSERT INTO notify_deliveries (rule_id, event, title, text, data, state, created_at, next_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)")
        .run(rule.id, message.on, message.title, message.text, JSON.stringify(message.data), ctx.now(), ctx.now());
    }
  });
  return due.length;
}

interface PendingRow {
  id: number;
  rule_id: number;
  event: NotificationMessage['on'];
  title: string;
  text: string;
  data: string;
  attempts: number;
}

async function send(rule: StoredRule, row: PendingRow, options: DeliveryOptions): Promise<string | null> {
  const body = webhookBody(rule.format, rule.webhook, { on: row.event, title: row.title, text: row.text, data: JSON.parse(row.data) as Record<string, unknown> });
  try {
    const response = await options.fetch(rule.webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Tries every pending delivery that is due; returns when the next one is due (null: none pending). */
export async function deliverDue(ctx: CoreContext, options: DeliveryOptions): Promise<number | null> {
  const rules = new Map(storedRules(ctx).map((r) => [r.id, r]));
  const due = ctx.sql("SELECT id, rule_id, event, title, text, data, attempts FROM notify_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 100").all(ctx.now()) as PendingRow[];
  for (const row of due) {
    const rule = rules.get(row.rule_id);
    if (!rule || !ctx.db.open) continue;
    const error = await send(rule, row, options);
    if (!ctx.db.open) return null;
    const attempts = row.attempts + 1;
    if (error === null) {
      ctx.sql("UPDATE notify_deliveries SET state = 'delivered', attempts = ?, last_error = NULL, next_at = NULL, delivered_at = ? WHERE id = ?").run(attempts, ctx.now(), row.id);
    } else if (attempts >= MAX_ATTEMPTS) {
      ctx.sql("UPDATE notify_deliveries SET state = 'failed', attempts = ?, last_error = ?, next_at = NULL WHERE id = ?").run(attempts, error, row.id);
    } else {
      const backoff = Math.min(MAX_BACKOFF_MS, options.retryBaseMs * 2 ** (attempts - 1));
      ctx.sql('UPDATE notify_deliveries SET attempts = ?, last_error = ?, next_at = ? WHERE id = ?').run(attempts, error, ctx.now() + backoff, row.id);
    }
  }
  const next = ctx.sql("SELECT MIN(next_at) AS at FROM notify_deliveries WHERE state = 'pending'").get() as { at: number | null };
  return next.at;
}

export function listDeliveries(ctx: CoreContext, limit: number): NotifyDelivery[] {
  return ctx.sql(`SELECT id, rule_id, event AS "on", title, text, state, attempts, last_error, created_at, next_at, delivered_at
    FROM notify_deliveries ORDER BY id DESC LIMIT ?`).all(limit) as NotifyDelivery[];
}
