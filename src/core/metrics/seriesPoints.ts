import type { MetricAxis } from '../../shared';
import type { CoreContext } from '../context';
import { downsampleMinMax } from './downsample';
import type { BlockMarks, Mark } from './metricSummaries';

/** One point of a series on a chart: x per the axis, plus what it was recorded with. */
export interface ChartPoint {
  x: number;
  value: number;
  step: number | null;
  at: number;
}

export interface SeriesKey {
  jobId: number;
  name: string;
  attempt: number;
}

/**
 * Up to this many points a series is read point by point (exact buckets); longer ones through their
 * blocks (at least 156 marks, each block's extremes). A sweep of 20 such lines still reads 200,000 rows at most.
 */
export const RAW_SERIES_LIMIT = 10_000;

/** Every point of a series, in recorded order. */
function rawMarks(ctx: CoreContext, key: SeriesKey): Mark[] {
  const rows = ctx
    .sql('SELECT step, at, value FROM metrics WHERE job_id = ? AND name = ? AND attempt = ? ORDER BY rowid')
    .raw()
    .all(key.jobId, key.name, key.attempt) as Array<[number | null, number, number]>;
  return rows.map(([step, at, value], seq) => [seq, step, at, value]);
}

/** Each block's first, lowest, highest and last points, in recorded order, without repeats. */
function blockMarks(ctx: CoreContext, key: SeriesKey): Mark[] {
  const rows = ctx.sql('SELECT marks FROM metric_blocks WHERE job_id = ? AND name = ? AND attempt = ? ORDER BY block').raw().all(key.jobId, key.name, key.attempt) as Array<[string]>;
  const marks: Mark[] = [];
  for (const [text] of rows) {
    const block = (JSON.parse(text) as BlockMarks).slice().sort((a, b) => a[0] - b[0]);
    for (const mark of block) if (marks.length === 0 || marks[marks.length - 1][0] !== mark[0]) marks.push(mark);
  }
  return marks;
}

function toChartPoints(marks: Mark[], axis: MetricAxis): ChartPoint[] {
  const start = marks.length > 0 ? marks[0][2] : 0;
  // Without a step a point's place in the series stands in for it, as a job that never reports steps still has an order.
  return marks.map(([seq, step, at, value]) => ({ x: axis === 'step' ? (step ?? seq) : (at - start) / 1000, value, step, at }));
}

/**
 * A series for a chart: at most `max` points (min and max per x bucket, first and last kept), or all of
 * them when `max` is null. `count` is the series' length; past RAW_SERIES_LIMIT a downsampled read
 * goes through metric_blocks, whose marks hold every block's extremes, so it never scans the points.
 */
export function chartSeries(ctx: CoreContext, key: SeriesKey, count: number, max: number | null, axis: MetricAxis): ChartPoint[] {
  const useBlocks = max !== null && count > RAW_SERIES_LIMIT;
  const points = toChartPoints(useBlocks ? blockMarks(ctx, key) : rawMarks(ctx, key), axis);
  return max === null ? points : downsampleMinMax(points, max);
}
