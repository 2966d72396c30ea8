import { ValidationError, type MetricEpochRow, type MetricRow, type MetricsQuery } from '../../shared';
import type { CoreContext } from '../context';
import { chartSeries } from './seriesPoints';

interface SeriesRow {
  name: string;
  attempt: number;
  points: number;
}

/** The newest point of each metric name: the last recorded by the latest attempt that reported it. */
export function latestMetrics(ctx: CoreContext, jobId: number, name?: string): MetricRow[] {
  return ctx
    .sql(
      `SELECT attempt, last_step AS step, name, last_value AS value, last_at AS at, last_epoch AS epoch FROM metric_series s
       WHERE job_id = ? AND (? IS NULL OR name = ?) AND attempt = (SELECT MAX(attempt) FROM metric_series WHERE job_id = s.job_id AND name = s.name)
       ORDER BY name`,
    )
    .all(jobId, name ?? null, name ?? null) as MetricRow[];
}

/** `?by=epoch` from metric_epochs (kept as points arrive), in (job_id, name, epoch) key order: no point is read. Exported for the query-plan test. */
export const EPOCHS_SQL = `SELECT name, epoch, points AS count, total / points AS mean, low AS min, high AS max,
    last_attempt AS attempt, last_step AS step, last_value AS value, last_at AS at
  FROM metric_epochs WHERE job_id = ? AND (? IS NULL OR name = ?) ORDER BY name, epoch`;

/** One row per metric name and epoch over all attempts (the epoch's last point and its aggregates); points without an epoch are left out. */
export function metricsByEpoch(ctx: CoreContext, jobId: number, name?: string): MetricEpochRow[] {
  return ctx.sql(EPOCHS_SQL).all(jobId, name ?? null, name ?? null) as MetricEpochRow[];
}

/** Each metric name and attempt downsampled to at most `points` points for a chart. */
export function downsampledMetrics(ctx: CoreContext, jobId: number, query: Pick<MetricsQuery, 'name' | 'x'> & { points: number }): MetricRow[] {
  const series = ctx
    .sql('SELECT name, attempt, points FROM metric_series WHERE job_id = ? AND (? IS NULL OR name = ?) ORDER BY name, attempt')
    .all(jobId, query.name ?? null, query.name ?? null) as SeriesRow[];
  return series.flatMap(({ name, attempt, points }) =>
    chartSeries(ctx, { jobId, name, attempt }, points, query.points, query.x).map(({ step, value, at }) => ({ attempt, step, name, value, at })),
  );
}

/** Refuses combinations that ask for two different answers at once, naming the second. */
export function checkMetricsQuery(query: MetricsQuery): void {
  const modes = (['latest', 'by', 'points'] as const).filter((key) => query[key] !== undefined && query[key] !== false);
  if (modes.length > 1) throw new ValidationError(`${modes[1]}: cannot be combined with ${modes[0]}; ask for one of latest, by=epoch or points`, modes[1]);
  const paging = (['limit', 'after'] as const).find((key) => query[key] !== undefined);
  if (paging && modes.length > 0) throw new ValidationError(`${paging}: pages the plain listing only, not ${modes[0]}`, paging);
}
