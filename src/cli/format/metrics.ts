import type { SweepMetrics } from '../../shared';
import { renderTable } from './table';

export interface MetricRowView {
  attempt: number;
  step: number | null;
  name: string;
  value: number;
}

export interface MetricEpochView extends MetricRowView {
  epoch?: number | null;
  count?: number;
  mean?: number;
  min?: number;
  max?: number;
}

/** One row per point, in the order recorded; `--last` keeps the latest point of each name. */
export function formatMetricTable(rows: readonly MetricRowView[]): string {
  if (rows.length === 0) return 'no metrics';
  return renderTable(rows, [
    { header: 'ATTEMPT', value: (r) => String(r.attempt), align: 'right' },
    { header: 'STEP', value: (r) => (r.step === null ? '-' : String(r.step)), align: 'right' },
    { header: 'NAME', value: (r) => r.name, maxWidth: 40 },
    { header: 'VALUE', value: (r) => String(r.value), align: 'right' },
  ]);
}

const number = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : String(Number(value.toPrecision(6))));

/** One row per metric and epoch (`--epoch`). */
export function formatEpochTable(rows: readonly MetricEpochView[]): string {
  if (rows.length === 0) return 'no metrics with an epoch';
  return renderTable(rows, [
    { header: 'NAME', value: (r) => r.name, maxWidth: 40 },
    { header: 'EPOCH', value: (r) => number(r.epoch), align: 'right' },
    { header: 'POINTS', value: (r) => number(r.count), align: 'right' },
    { header: 'MEAN', value: (r) => number(r.mean), align: 'right' },
    { header: 'MIN', value: (r) => number(r.min), align: 'right' },
    { header: 'MAX', value: (r) => number(r.max), align: 'right' },
    { header: 'LAST', value: (r) => number(r.value), align: 'right' },
  ]);
}

/** A sweep's jobs with the params that tell them apart and the final value of the compared metric, best (lowest) first. */
export function formatSweepFinals(metrics: SweepMetrics): string {
  if (metrics.name === null) return `sweep ${metrics.sweep.id}: no job reported a metric yet`;
  const jobs = [...metrics.jobs].sort((a, b) => (a.final?.value ?? Infinity) - (b.final?.value ?? Infinity));
  const table = renderTable(jobs, [
    { header: 'JOB', value: (j) => String(j.job_id), align: 'right' },
    ...metrics.varying_params.map((name) => ({ header: name.toUpperCase(), value: (j: (typeof jobs)[number]) => String(j.params[name] ?? '-'), maxWidth: 30 })),
    { header: 'STATE', value: (j) => j.state },
    { header: 'STEP', value: (j) => number(j.final?.step), align: 'right' },
    { header: metrics.name.toUpperCase(), value: (j) => number(j.final?.value), align: 'right' },
  ]);
  return `sweep ${metrics.sweep.id} (${metrics.sweep.name}), ${metrics.name}; also: ${metrics.names.filter((n) => n !== metrics.name).join(', ') || 'none'}\n${table}`;
}
