import type { NotifyDelivery, NotifyRule } from '../../shared';
import { formatAge } from './time';
import { renderTable } from './table';

export function formatRuleTable(rules: NotifyRule[]): string {
  if (rules.length === 0) return 'no notification rules (gantry notify add --on failure --webhook URL)';
  return renderTable(rules, [
    { header: 'ID', value: (r) => String(r.id), align: 'right' },
    { header: 'ON', value: (r) => r.on },
    { header: 'PROJECT', value: (r) => r.project ?? '(all)' },
    { header: 'FORMAT', value: (r) => r.format },
    { header: 'WEBHOOK', value: (r) => r.webhook, maxWidth: 70 },
  ]);
}

export function formatDeliveryTable(deliveries: NotifyDelivery[], now: number): string {
  if (deliveries.length === 0) return 'nothing delivered yet';
  return renderTable(deliveries, [
    { header: 'ID', value: (d) => String(d.id), align: 'right' },
    { header: 'RULE', value: (d) => String(d.rule_id), align: 'right' },
    { header: 'ON', value: (d) => d.on },
    { header: 'STATE', value: (d) => d.state },
    { header: 'TRIES', value: (d) => String(d.attempts), align: 'right' },
    { header: 'AGE', value: (d) => formatAge(d.created_at, now), align: 'right' },
    { header: 'MESSAGE', value: (d) => (d.last_error && d.state !== 'delivered' ? `${d.title} (${d.last_error})` : d.title), maxWidth: 70 },
  ]);
}
