import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, describeError } from '../../api/client';
import { onEvents } from '../../api/live';
import { toastError } from '../../stores/toasts';
import type { MetricRow } from '../../logic/metrics';
import { loadJobDetail, type JobDetail } from './loadJobDetail';

/** Points per metric and attempt on the job page's charts. */
const CHART_POINTS = 1000;

export interface JobDetailState {
  detail: JobDetail | null;
  error: string | null;
  metrics: MetricRow[];
  reload(): void;
  /** Called as log output arrives: `::metric` lines in it become points a moment later. */
  onOutput(): void;
}

/** A job's detail and metrics, reloaded when it (or a job it depends on, or that depends on it) moves. */
export function useJobDetail(id: number): JobDetailState {
  const [detail, setDetail] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [metrics, setMetrics] = useState<MetricRow[]>([]);
  const metricsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(() => {
    loadJobDetail(id).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      (e) => setError(describeError(e).message),
    );
  }, [id]);
  const reloadMetrics = useCallback(() => {
    // Downsampled on the server (min and max per step bucket), so a million-point history stays a light chart.
    api().call('listMetrics', { params: { id }, query: { points: CHART_POINTS } }).then(setMetrics, (e) => toastError(e, 'Metrics'));
  }, [id]);

  useEffect(() => {
    reload();
    reloadMetrics();
  }, [reload, reloadMetrics]);

  const related = useMemo(() => new Set([id, ...(detail?.job.depends_on ?? []), ...(detail?.downstream.map((j) => j.id) ?? [])]), [id, detail]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEvents((events) => {
      const mine = events.filter((e) => e.job_id !== null && related.has(e.job_id));
      if (!mine.length) return;
      timer ??= setTimeout(() => {
        timer = null;
        reload();
        if (mine.some((e) => e.job_id === id)) reloadMetrics();
      }, 150);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [related, id, reload, reloadMetrics]);

  // `::metric` lines arrive with the log; fetch the parsed points a moment later, at most every 2 s.
  const onOutput = useCallback(() => {
    metricsTimer.current ??= setTimeout(() => {
      metricsTimer.current = null;
      reloadMetrics();
    }, 2000);
  }, [reloadMetrics]);
  useEffect(() => () => void (metricsTimer.current && clearTimeout(metricsTimer.current)), []);

  return { detail, error, metrics, reload, onOutput };
}
