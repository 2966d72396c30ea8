import type { MetricAxis } from '../../shared';
import type { CoreContext } from '../context';
import { downsampleIndices } from './downsample';
import { markColumns, seriesMarks, type MarkColumns, type SeriesKey } from './markPages';
import { BLOCK_SIZE } from './metricSummaries';

/** One point of a series on a chart: x per the axis, plus what it was recorded with. */
export interface ChartPoint {
  x: number;
  value: number;
  step: number | null;
  at: number;
}

/**
 * Up to this many points a series is read point by point (exact buckets); longer ones through their
 * blocks (at least 156 marks, each block's extremes). A sweep of 20 such lines still reads 200,000 rows at most.
 */
export const RAW_SERIES_LIMIT = 10_000;

/** Every point of a series, in recorded order. */
function rawMarks(ctx: CoreContext, key: SeriesKey): MarkColumns {
  const rows = ctx
    .sql('SELECT step, at, value FROM metrics WHERE job_id = ? AND name = ? AND attempt = ? ORDER BY rowid')
    .raw()
    .all(key.jobId, key.name, key.attempt) as Array<[number | null, number, number]>;
  const marks = markColumns(rows.length);
  for (const [seq, [step, at, value]] of rows.entries()) {
    marks.seq[seq] = seq;
    marks.step[seq] = step ?? Number.NaN;
    marks.at[seq] = at;
    marks.value[seq] = value;
  }
  marks.length = rows.length;
  return marks;
}

function xValues(marks: MarkColumns, axis: MetricAxis): Float64Array {
  const x = new Float64Array(marks.length);
  const start = marks.length > 0 ? marks.at[0] : 0;
  // Without a step a point's place in the series stands in for it, as a job that never reports steps still has an order.
  for (let i = 0; i < marks.length; i++) x[i] = axis === 'step' ? (Number.isNaN(marks.step[i]) ? marks.seq[i] : marks.step[i]) : (marks.at[i] - start) / 1000;
  return x;
}

/**
 * A series for a chart: at most `max` points (min and max per x bucket, first and last kept), or all of
 * them when `max` is null. `count` is the series' length; past RAW_SERIES_LIMIT a downsampled read
 * goes through the series' block marks (metric_mark_pages, metric_blocks), which hold every block's
 * extremes, so it never scans the points.
 */
export function chartSeries(ctx: CoreContext, key: SeriesKey, count: number, max: number | null, axis: MetricAxis): ChartPoint[] {
  const marks = max !== null && count > RAW_SERIES_LIMIT ? seriesMarks(ctx, key, Math.ceil(count / BLOCK_SIZE)) : rawMarks(ctx, key);
  const x = xValues(marks, axis);
  const kept = max === null ? Array.from({ length: marks.length }, (_, i) => i) : downsampleIndices(x.subarray(0, marks.length), marks.value.subarray(0, marks.length), max);
  return kept.map((i) => ({ x: x[i], value: marks.value[i], step: Number.isNaN(marks.step[i]) ? null : marks.step[i], at: marks.at[i] }));
}
