import { useCallback, useEffect, useState } from 'react';
import type { MetricAxis, Sweep, SweepMetrics } from '../../../../shared';
import { api } from '../../api/client';
import { toastError } from '../../stores/toasts';

/** Points per line on screen: about a chart's width in pixels; min and max per bucket keep every spike. */
export const LINE_POINTS = 500;
/** While jobs of the sweep still run, their lines grow: reload this often. */
const LIVE_RELOAD_MS = 5_000;

/** Sweeps, newest first, for the picker. */
export function useSweeps(): Sweep[] | null {
  const [sweeps, setSweeps] = useState<Sweep[] | null>(null);
  useEffect(() => {
    let current = true;
    api()
      .call('listSweeps', { query: { limit: 200 } })
      .then((list) => current && setSweeps(list), (e) => toastError(e, 'Sweeps'));
    return () => {
      current = false;
    };
  }, []);
  return sweeps;
}

/** One metric across a sweep's jobs, downsampled on the server, reloaded while any of them is queued or running. */
export function useSweepMetrics(id: number, name: string | null, x: MetricAxis): SweepMetrics | null {
  const [metrics, setMetrics] = useState<SweepMetrics | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    api()
      .call('sweepMetrics', { params: { id }, query: { name: name ?? undefined, x, points: LINE_POINTS } })
      .then((m) => current && setMetrics(m), (e) => toastError(e, 'Sweep metrics'));
    return () => {
      current = false;
    };
  }, [id, name, x, generation]);
  const live = metrics?.jobs.some((job) => job.state === 'running' || job.state === 'queued') ?? false;
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(reload, LIVE_RELOAD_MS);
    return () => clearTimeout(timer);
  }, [live, metrics, reload]);
  return metrics;
}

/** Downloads the server's CSV of the comparison (every point of every job) as a file. */
export async function downloadSweepCsv(id: number, name: string | null, x: MetricAxis): Promise<void> {
  const response = await api().request('sweepMetrics', { params: { id }, query: { name: name ?? undefined, x, format: 'csv' } });
  const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `sweep-${id}-${name ?? 'metrics'}.csv`;
  link.click();
  // The click has started the download; the URL is no longer needed once this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
