import type { GpuHistoryPoint } from '../../../shared';

/** One GPU sample as the charts use it (the REST history and the live `gpu` message both map to this). */
export type GpuPoint = GpuHistoryPoint;

export const SERIES_WINDOW_MS = 60 * 60 * 1000;
export const SERIES_CAP = 1200;

/**
 * Appends points to a time series kept sorted by time, dropping repeats (a live sample that the
 * history fetch also returned), points older than the window, and the oldest beyond the cap.
 */
export function appendPoints(series: GpuPoint[], points: GpuPoint[], now: number, windowMs = SERIES_WINDOW_MS, cap = SERIES_CAP): GpuPoint[] {
  const last = series.length ? series[series.length - 1].at : -Infinity;
  const fresh = points.filter((p) => p.at > last).sort((a, b) => a.at - b.at);
  const merged = fresh.length ? [...series, ...fresh] : series;
  const from = merged.findIndex((p) => p.at >= now - windowMs);
  const windowed = from < 0 ? [] : from === 0 ? merged : merged.slice(from);
  return windowed.length > cap ? windowed.slice(windowed.length - cap) : windowed;
}

/** Groups history points per GPU index. */
export function byGpu(points: GpuPoint[]): Map<number, GpuPoint[]> {
  const groups = new Map<number, GpuPoint[]>();
  for (const point of points) {
    const list = groups.get(point.index) ?? [];
    list.push(point);
    groups.set(point.index, list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.at - b.at);
  return groups;
}

/**
 * Rows for a multi-line chart: one row per timestamp, one column per GPU (`gpu0`, `gpu1`, …),
 * so recharts draws a line per GPU on a shared time axis.
 */
export function chartRows(series: Map<number, GpuPoint[]>, pick: (p: GpuPoint) => number | null): Array<Record<string, number | null>> {
  const rows = new Map<number, Record<string, number | null>>();
  for (const [index, points] of series) {
    for (const point of points) {
      // Samples of one heartbeat share a second; bucket so GPUs line up on the same row.
      const at = Math.round(point.at / 1000) * 1000;
      const row = rows.get(at) ?? { at };
      row[`gpu${index}`] = pick(point);
      rows.set(at, row);
    }
  }
  return [...rows.values()].sort((a, b) => (a.at as number) - (b.at as number));
}
