import type { MetricRow } from '../../../shared';

export type { MetricRow };

export interface MetricChart {
  name: string;
  attempts: number[];
  /** One row per step; column `a<attempt>` holds that attempt's value. */
  rows: Array<Record<string, number>>;
}

/**
 * One chart per metric name, one line per attempt, x = step. Points without a step are placed
 * in the order they were recorded, so a job that never reports steps still gets a curve.
 */
export function metricCharts(points: MetricRow[]): MetricChart[] {
  const byName = new Map<string, MetricRow[]>();
  for (const point of points) byName.set(point.name, [...(byName.get(point.name) ?? []), point]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => {
      const attempts = [...new Set(list.map((p) => p.attempt))].sort((a, b) => a - b);
      const rows = new Map<number, Record<string, number>>();
      const seen = new Map<number, number>();
      for (const point of [...list].sort((a, b) => a.at - b.at)) {
        const order = seen.get(point.attempt) ?? 0;
        seen.set(point.attempt, order + 1);
        const step = point.step ?? order;
        const row = rows.get(step) ?? { step };
        row[`a${point.attempt}`] = point.value;
        rows.set(step, row);
      }
      return { name, attempts, rows: [...rows.values()].sort((a, b) => a.step - b.step) };
    });
}
