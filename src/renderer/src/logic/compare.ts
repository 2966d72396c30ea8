import type { ParamValue, SweepJobSeries, SweepMetrics } from '../../../shared';

/** A line's colour: hues spread by the golden angle, so 20 lines stay tellable apart (the theme has 8 chart colours). */
export function lineColor(index: number): string {
  return `hsl(${Math.round((index * 137.508) % 360)} 65% 50%)`;
}

const show = (value: ParamValue | undefined): string => (value === undefined ? '-' : String(value));

/** What tells a job's line apart in the legend: its varying params (`lr=0.1 seed=2`), else its name. */
export function legendLabel(job: Pick<SweepJobSeries, 'job_id' | 'name' | 'params'>, varying: readonly string[]): string {
  if (varying.length === 0) return `#${job.job_id} ${job.name}`;
  return varying.map((name) => `${name}=${show(job.params[name])}`).join(' ');
}

export type FinalsSortKey = 'job' | `param:${string}` | `metric:${string}`;
export interface FinalsSort {
  key: FinalsSortKey;
  descending: boolean;
}

function sortValue(job: SweepJobSeries, key: FinalsSortKey): number | string | null {
  if (key === 'job') return job.job_id;
  if (key.startsWith('metric:')) return job.finals[key.slice('metric:'.length)] ?? null;
  const value = job.params[key.slice('param:'.length)];
  return value === undefined ? null : typeof value === 'boolean' ? String(value) : value;
}

/** Jobs ordered for the finals table; jobs without a value go last either way. */
export function sortFinals(jobs: readonly SweepJobSeries[], sort: FinalsSort): SweepJobSeries[] {
  const direction = sort.descending ? -1 : 1;
  return [...jobs].sort((a, b) => {
    const [va, vb] = [sortValue(a, sort.key), sortValue(b, sort.key)];
    if (va === null || vb === null) return va === vb ? a.job_id - b.job_id : va === null ? 1 : -1;
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
    return order === 0 ? a.job_id - b.job_id : order * direction;
  });
}

/** Clicking a column: sort by it ascending, or flip the direction when it already sorts. */
export function nextSort(current: FinalsSort, key: FinalsSortKey): FinalsSort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: false };
}

/** How the x axis is labelled for the chosen axis. */
export function axisLabel(metrics: Pick<SweepMetrics, 'x'>): string {
  return metrics.x === 'step' ? 'step' : 'seconds since the first point';
}
