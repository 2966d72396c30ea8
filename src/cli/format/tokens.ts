import type { TokenRecord } from '../../shared';
import { renderTable } from './table';
import { formatAge } from './time';

export function formatTokenTable(tokens: readonly TokenRecord[], nowMs: number): string {
  if (tokens.length === 0) return 'no tokens';
  return renderTable(tokens, [
    { header: 'ID', value: (t) => String(t.id), align: 'right' },
    { header: 'NAME', value: (t) => t.name, maxWidth: 32 },
    { header: 'SCOPE', value: (t) => (t.job_id !== null ? `${t.scope} (job ${t.job_id})` : t.project ? `${t.scope} (project ${t.project})` : t.scope) },
    { header: 'PREFIX', value: (t) => t.prefix },
    { header: 'CREATED', value: (t) => `${formatAge(t.created_at, nowMs)} ago`, align: 'right' },
    { header: 'LAST USED', value: (t) => (t.last_used_at === null ? 'never' : `${formatAge(t.last_used_at, nowMs)} ago`), align: 'right' },
    { header: 'STATUS', value: (t) => (t.revoked_at === null ? 'active' : 'revoked') },
  ]);
}
