import type { MetricEpochRow, SweepMetrics } from '../schemas/metrics';
import type { MetricRow } from '../schemas/telemetry';

type Cell = string | number | boolean | null | undefined;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A job's points (all, latest or downsampled), one per line. */
export function metricRowsCsv(rows: readonly MetricRow[]): string {
  return csv(
    ['name', 'attempt', 'step', 'epoch', 'value', 'at'],
    rows.map((r) => [r.name, r.attempt, r.step, r.epoch, r.value, r.at]),
  );
}

export function metricEpochsCsv(rows: readonly MetricEpochRow[]): string {
  return csv(
    ['name', 'epoch', 'count', 'mean', 'min', 'max', 'last', 'attempt', 'step', 'at'],
    rows.map((r) => [r.name, r.epoch, r.count, r.mean, r.min, r.max, r.value, r.attempt, r.step, r.at]),
  );
}

/** A sweep comparison in long form: one line per job and point, with the job's varying params as columns. */
export function sweepMetricsCsv(metrics: SweepMetrics): string {
  const xColumn = metrics.x === 'step' ? 'step' : 'seconds';
  const header = ['job_id', 'job', ...metrics.varying_params, 'attempt', xColumn, metrics.name ?? 'value'];
  function* rows(): Generator<Cell[]> {
    for (const job of metrics.jobs) {
      const params = metrics.varying_params.map((name) => job.params[name]);
      for (const [x, value] of job.points) yield [job.job_id, job.name, ...params, job.attempt, x, value];
    }
  }
  return csv(header, rows());
}
