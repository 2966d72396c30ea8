import { NotFoundError, NotifyRuleCreate, parseOrThrow, type NotifyFormat, type NotifyOn, type NotifyRule } from '../../shared';
import type { CoreContext } from '../context';

export interface StoredRule {
  id: number;
  on: NotifyOn;
  project: string | null;
  webhook: string;
  format: NotifyFormat;
  created_at: number;
}

const COLUMNS = 'id, event AS "on", project, webhook, format, created_at';

/** A webhook URL without its query and with long path segments (bot tokens, Slack secrets) cut. */
export function redactWebhook(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname
    .split('/')
    .map((part) => (part.length > 12 ? `${part.slice(0, 4)}…` : part))
    .join('/');
  return `${parsed.origin}${path}${parsed.search ? '?…' : ''}`;
}

const toRule = (row: StoredRule): NotifyRule => ({ ...row, webhook: redactWebhook(row.webhook) });

export function storedRules(ctx: CoreContext): StoredRule[] {
  return ctx.sql(`SELECT ${COLUMNS} FROM notify_rules ORDER BY id`).all() as StoredRule[];
}

export function addRule(ctx: CoreContext, input: unknown): NotifyRule {
  const rule = parseOrThrow(NotifyRuleCreate, input);
  const id = ctx.tx(() => {
    if (rule.project !== null && !ctx.sql('SELECT 1 FROM projects WHERE name = ?').get(rule.project)) throw new NotFoundError(`project "${rule.project}" does not exist`, 'project');
    return Number(ctx.sql('INSERT INTO notify_rules (event, project, webhook, format, created_at) VALUES (?, ?, ?, ?, ?)').run(rule.on, rule.project, rule.webhook, rule.format, ctx.now()).lastInsertRowid);
  });
  return toRule(ctx.sql(`SELECT ${COLUMNS} FROM notify_rules WHERE id = ?`).get(id) as StoredRule);
}

export function listRules(ctx: CoreContext): NotifyRule[] {
  return storedRules(ctx).map(toRule);
}

export function removeRule(ctx: CoreContext, id: number): void {
  if (ctx.sql('DELETE FROM notify_rules WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`notification rule ${id} does not exist`, 'id');
}
