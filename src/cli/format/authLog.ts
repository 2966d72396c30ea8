import type { AuthLogEntry } from '../../shared';
import { renderTable } from './table';

export function formatAuthLog(entries: readonly AuthLogEntry[]): string {
  if (entries.length === 0) return 'no authentication failures or token changes';
  return renderTable(entries, [
    { header: 'ID', value: (e) => String(e.id), align: 'right' },
    { header: 'TIME', value: (e) => new Date(e.at).toISOString().replace('T', ' ').slice(0, 19) },
    { header: 'KIND', value: (e) => e.kind },
    { header: 'ADDRESS', value: (e) => e.address || '-', maxWidth: 40 },
    { header: 'TOKEN', value: (e) => e.token_name, maxWidth: 32 },
    { header: 'ROUTE', value: (e) => e.route, maxWidth: 40 },
    { header: 'REASON', value: (e) => e.reason, maxWidth: 60 },
  ]);
}
