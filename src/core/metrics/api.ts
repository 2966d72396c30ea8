import type { MetricEpochRow, MetricRow, MetricsQuery, SweepMetrics, SweepMetricsQuery } from '../../shared';

/** Per-epoch rows for `by=epoch`, points otherwise. */
export type JobMetricsAnswer = { epochs: MetricEpochRow[] } | { points: MetricRow[]; next_cursor?: string | null };

/** Reading metric history: every point, the latest per name, per epoch, downsampled for charts, across a sweep. */
export interface MetricQueries {
  /** `GET /jobs/:id/metrics`; an unknown job is a NotFoundError, a query asking for two answers a ValidationError. */
  job(jobId: number, query: MetricsQuery): JobMetricsAnswer;
  /** `job`'s answer as JSON text (a plain listing's page written by SQLite, without a row object per point), and the next page's cursor. */
  jobJson(jobId: number, query: MetricsQuery): { json: string; next_cursor: string | null };
  /** One metric across a sweep's jobs; `points` absent: DEFAULT_SWEEP_POINTS per line, or every point with `allPoints`. */
  sweep(sweepId: number, query: SweepMetricsQuery, options?: { allPoints?: boolean }): SweepMetrics;
}
