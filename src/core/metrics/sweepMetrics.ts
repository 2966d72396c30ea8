import type { JobState, ParamValue, SweepJobSeries, SweepMetrics, SweepMetricsQuery } from '../../shared';
import type { CoreContext } from '../context';
import { getSweep } from '../sweeps/sweeps';
import { chartSeries } from './seriesPoints';

/** Points per line when the caller does not say: a chart's width in pixels, about. */
export const DEFAULT_SWEEP_POINTS = 1000;

interface SweepJobRow {
  id: number;
  name: string;
  state: JobState;
  params: string;
}

interface LatestSeriesRow {
  attempt: number;
  points: number;
  last_step: number | null;
  last_value: number;
  last_at: number;
}

/** Parameter names whose values are not the same in every job. */
function varyingParams(jobs: Array<Record<string, ParamValue>>): string[] {
  const names = [...new Set(jobs.flatMap((params) => Object.keys(params)))].sort();
  return names.filter((name) => new Set(jobs.map((params) => JSON.stringify(params[name] ?? null))).size > 1);
}

/** Each job's final value of every metric name: the last point of the latest attempt that reported it. */
function finalsByJob(ctx: CoreContext, sweepId: number): Map<number, Record<string, number>> {
  const rows = ctx
    .sql(
      `SELECT s.job_id, s.name, s.last_value FROM metric_series s JOIN jobs j ON j.id = s.job_id
       WHERE j.sweep_id = ? AND s.attempt = (SELECT MAX(attempt) FROM metric_series WHERE job_id = s.job_id AND name = s.name)`,
    )
    .all(sweepId) as Array<{ job_id: number; name: string; last_value: number }>;
  const finals = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const record = finals.get(row.job_id) ?? {};
    record[row.name] = row.last_value;
    finals.set(row.job_id, record);
  }
  return finals;
}

function jobSeries(ctx: CoreContext, job: SweepJobRow, name: string | null, query: SweepMetricsQuery, max: number | null, finals: Record<string, number>): SweepJobSeries {
  const params = JSON.parse(job.params) as Record<string, ParamValue>;
  const base = { job_id: job.id, name: job.name, state: job.state, params, finals };
  const latest =
    name === null
      ? undefined
      : (ctx
          .sql('SELECT attempt, points, last_step, last_value, last_at FROM metric_series WHERE job_id = ? AND name = ? ORDER BY attempt DESC LIMIT 1')
          .get(job.id, name) as LatestSeriesRow | undefined);
  if (name === null || !latest) return { ...base, attempt: null, count: 0, points: [], final: null };
  const points = chartSeries(ctx, { jobId: job.id, name, attempt: latest.attempt }, latest.points, max, query.x);
  // The first and last points survive downsampling, so the line's ends place the final value on the x axis.
  const end = points[points.length - 1];
  const final = { value: latest.last_value, step: latest.last_step, at: latest.last_at, x: end?.x ?? 0 };
  return { ...base, attempt: latest.attempt, count: latest.points, points: points.map((p) => [p.x, p.value]), final };
}

/**
 * One metric across a sweep's jobs: each job's line (its latest attempt that reported the metric),
 * its final value and params. `max` points per line; null gives every point (CSV export).
 */
export function compareSweep(ctx: CoreContext, sweepId: number, query: SweepMetricsQuery, max: number | null): SweepMetrics {
  const sweep = getSweep(ctx, sweepId);
  const jobs = ctx.sql('SELECT id, name, state, params FROM jobs WHERE sweep_id = ? ORDER BY id').all(sweepId) as SweepJobRow[];
  const names = (
    ctx.sql('SELECT DISTINCT name FROM metric_series WHERE job_id IN (SELECT id FROM jobs WHERE sweep_id = ?) ORDER BY name').all(sweepId) as Array<{ name: string }>
  ).map((row) => row.name);
  const name = query.name ?? names[0] ?? null;
  const finals = finalsByJob(ctx, sweepId);
  const series = jobs.map((job) => jobSeries(ctx, job, name, query, max, finals.get(job.id) ?? {}));
  return { sweep, name, x: query.x, names, varying_params: varyingParams(series.map((s) => s.params)), jobs: series };
}
