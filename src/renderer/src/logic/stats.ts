import type { StatsReport } from '../../../shared';

/** The series of the jobs-over-time chart, in the order they are drawn. */
export const FLOW_SERIES = ['submitted', 'succeeded', 'failed', 'cancelled', 'blocked'] as const;

/** One row per hour of the period, zeros where nothing happened, so the lines do not skip quiet hours. */
export function jobFlowRows(report: Pick<StatsReport, 'jobs_per_hour' | 'since' | 'until'>): Array<Record<string, number>> {
  const HOUR = 3_600_000;
  const byHour = new Map(report.jobs_per_hour.map((p) => [p.hour, p.counts]));
  const rows: Array<Record<string, number>> = [];
  for (let hour = Math.floor(report.since / HOUR) * HOUR; hour <= report.until; hour += HOUR) {
    const counts = byHour.get(hour) ?? {};
    rows.push({ hour, ...Object.fromEntries(FLOW_SERIES.map((s) => [s, counts[s] ?? 0])) });
  }
  return rows;
}

/** Bars of busy and idle GPU-hours per group, rounded for the tooltip. */
export function gpuHourBars(report: Pick<StatsReport, 'groups'>): Array<{ key: string; busy: number; idle: number }> {
  const round = (h: number) => Math.round(h * 100) / 100;
  return report.groups.map((g) => ({ key: g.key, busy: round(Math.max(0, g.gpu_hours - g.idle_gpu_hours)), idle: round(g.idle_gpu_hours) }));
}

export const PERIODS = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
] as const;
