import type { StatsReport } from '../../shared';
import { formatAge } from './time';
import { renderTable } from './table';

const hours = (h: number): string => h.toFixed(h >= 100 ? 0 : 2);
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** GPU-hours per group, the totals, and the GPUs idle now. */
export function formatStats(report: StatsReport, now: number): string {
  const lines: string[] = [];
  if (report.groups.length === 0) lines.push('no GPU time in this period');
  else {
    lines.push(
      renderTable(report.groups, [
        { header: report.by.toUpperCase(), value: (g) => g.key, maxWidth: 40 },
        { header: 'GPU-HOURS', value: (g) => hours(g.gpu_hours), align: 'right' },
        { header: 'IDLE', value: (g) => hours(g.idle_gpu_hours), align: 'right' },
        { header: 'IDLE%', value: (g) => percent(g.gpu_hours > 0 ? g.idle_gpu_hours / g.gpu_hours : 0), align: 'right' },
        { header: 'ATTEMPTS', value: (g) => String(g.attempts), align: 'right' },
      ]),
    );
  }
  const { total, idle_rule: rule } = report;
  lines.push('', `total: ${hours(total.gpu_hours)} GPU-hours since ${formatAge(report.since, now)} ago, ${hours(total.idle_gpu_hours)} idle (${percent(total.idle_share)})`);
  if (report.idle_now.length > 0) {
    lines.push('', `idle now (≤ ${rule.threshold_pct}% for ${rule.minutes} min):`);
    lines.push(
      renderTable(report.idle_now, [
        { header: 'JOB', value: (i) => String(i.job_id), align: 'right' },
        { header: 'NAME', value: (i) => i.job_name, maxWidth: 40 },
        { header: 'WORKER', value: (i) => i.worker },
        { header: 'GPU', value: (i) => String(i.gpu), align: 'right' },
        { header: 'IDLE FOR', value: (i) => formatAge(i.idle_since, i.idle_until), align: 'right' },
      ]),
    );
  }
  const preemptions = report.preemptions ?? [];
  if (preemptions.length > 0) lines.push('', `preemptions: ${preemptions.map((p) => `${p.project} ${p.count}`).join(', ')}`);
  return lines.join('\n');
}
