import { z } from 'zod';
import { JobState } from '../states';
import { ParamValue } from './jobs';
import { MetricRow } from './telemetry';

/** `1`/`true` or `0`/`false` in a query string; a boolean from typed callers. */
const QueryFlag = z.union([z.boolean(), z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true')]);

/** What a metric chart's x axis counts: the job's step (the point's order when it has none), or seconds since its first point. */
export const MetricAxis = z.enum(['step', 'time']);
export type MetricAxis = z.infer<typeof MetricAxis>;

/** Largest `points` a caller may ask for: enough for any chart, small enough to answer fast. */
export const MAX_CHART_POINTS = 10_000;
const ChartPoints = z.coerce.number().int().min(2).max(MAX_CHART_POINTS);
const MetricName = z.string().min(1).max(200);
/** Points one page of the plain listing holds when the caller does not say (`limit`), and the most it may ask for. */
export const DEFAULT_METRICS_PAGE = 10_000;
export const MAX_METRICS_PAGE = 100_000;
const ResponseFormat = z.enum(['json', 'csv']);

/**
 * `GET /jobs/:id/metrics`: every point (the default, in pages of `limit`, 10,000 unless asked, at most 100,000; the
 * `X-Next-Cursor` header names the next page's `after`), the latest point per name (`latest=1`), one row
 * per name and epoch (`by=epoch`), or each name and attempt downsampled to at most `points` points
 * (min and max of each x bucket, first and last always kept). `format=csv` (or `Accept: text/csv`) answers CSV.
 */
export const MetricsQuery = z.strictObject({
  name: MetricName.optional(),
  /** The plain listing's page size (default DEFAULT_METRICS_PAGE); the answer's X-Next-Cursor header, passed as `after`, reads on. */
  limit: z.coerce.number().int().min(1).max(MAX_METRICS_PAGE).optional(),
  after: z.string().min(1).max(1000).optional(),
  latest: QueryFlag.optional(),
  by: z.literal('epoch').optional(),
  points: ChartPoints.optional(),
  x: MetricAxis.default('step'),
  format: ResponseFormat.optional(),
});
export type MetricsQuery = z.output<typeof MetricsQuery>;

/**
 * One metric's epoch: its last point (attempt, step, value, at) with the count, mean, min and max of
 * all its points, so a caller reading only MetricRow fields sees each epoch's final value.
 */
export const MetricEpochRow = MetricRow.extend({
  epoch: z.number(),
  count: z.number().int(),
  mean: z.number(),
  min: z.number(),
  max: z.number(),
});
export type MetricEpochRow = z.infer<typeof MetricEpochRow>;

/** Points (all, latest or downsampled) or, for `by=epoch`, epoch rows; CSV instead when asked (the route's `csv`). */
export const MetricsAnswer = z.array(z.union([MetricEpochRow, MetricRow]));
export type MetricsAnswer = z.infer<typeof MetricsAnswer>;

/** The jobs one sweep request expanded to: its template and the names of its parameters. */
export const Sweep = z.object({
  id: z.number().int(),
  project: z.string(),
  name: z.string(),
  template: z.array(z.string()),
  param_names: z.array(z.string()),
  mode: z.enum(['grid', 'zip']),
  created_at: z.number(),
  /** Jobs of the sweep that still exist. */
  jobs: z.number().int(),
});
export type Sweep = z.infer<typeof Sweep>;

export const SweepListQuery = z.strictObject({
  project: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const SweepMetricsQuery = z.strictObject({
  /** The metric to compare; absent: the first name (alphabetically) any job of the sweep reported. */
  name: MetricName.optional(),
  x: MetricAxis.default('step'),
  /** Points per job's line; CSV without it has every point. */
  points: ChartPoints.optional(),
  format: ResponseFormat.optional(),
});
export type SweepMetricsQuery = z.output<typeof SweepMetricsQuery>;

/** A job's last point of the compared metric. */
export const FinalMetric = z.object({ value: z.number(), step: z.number().nullable(), at: z.number(), x: z.number() });
export type FinalMetric = z.infer<typeof FinalMetric>;

/** One job's line in a sweep comparison: its latest attempt's points of the metric as [x, value]. */
export const SweepJobSeries = z.object({
  job_id: z.number().int(),
  name: z.string(),
  state: JobState,
  params: z.record(z.string(), ParamValue),
  /** The attempt the line comes from (the latest that reported the metric); null when none did. */
  attempt: z.number().int().nullable(),
  /** Points the attempt recorded for the metric, before downsampling. */
  count: z.number().int(),
  points: z.array(z.tuple([z.number(), z.number()])),
  final: FinalMetric.nullable(),
  /** The final value of every metric the job reported (its latest attempt's last point of each), for the table. */
  finals: z.record(z.string(), z.number()),
});
export type SweepJobSeries = z.infer<typeof SweepJobSeries>;

export const SweepMetrics = z.object({
  sweep: Sweep,
  /** The metric compared; null when no job of the sweep reported any. */
  name: z.string().nullable(),
  x: MetricAxis,
  /** Every metric name a job of the sweep reported, for the picker. */
  names: z.array(z.string()),
  /** Parameters whose values differ between the jobs: what tells the lines apart. */
  varying_params: z.array(z.string()),
  jobs: z.array(SweepJobSeries),
});
export type SweepMetrics = z.infer<typeof SweepMetrics>;
