import { useEffect, useState } from 'react';
import type { MetricAxis } from '../../../shared';
import { EmptyState } from '../components/EmptyState';
import { navigate } from '../router';
import { toastError } from '../stores/toasts';
import { CompareChart } from './compare/CompareChart';
import { FinalsTable } from './compare/FinalsTable';
import { downloadSweepCsv, useSweepMetrics, useSweeps } from './compare/useSweepMetrics';

function SweepComparison({ id }: { id: number }) {
  const [name, setName] = useState<string | null>(null);
  const [x, setX] = useState<MetricAxis>('step');
  const [exporting, setExporting] = useState(false);
  const metrics = useSweepMetrics(id, name, x);
  const exportCsv = () => {
    setExporting(true);
    downloadSweepCsv(id, metrics?.name ?? name, x)
      .catch((e) => toastError(e, 'CSV export'))
      .finally(() => setExporting(false));
  };
  if (!metrics) return <EmptyState title="Loading the sweep's metrics…" />;
  return (
    <>
      <div className="toolbar">
        <label>
          Metric{' '}
          <select aria-label="Metric" value={metrics.name ?? ''} onChange={(e) => setName(e.target.value)} disabled={metrics.names.length === 0}>
            {metrics.names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          X axis{' '}
          <select aria-label="X axis" value={x} onChange={(e) => setX(e.target.value as MetricAxis)}>
            <option value="step">step</option>
            <option value="time">time (s)</option>
          </select>
        </label>
        <span className="subtle compare-template" title={metrics.sweep.template.join(' ')}>
          {metrics.jobs.length} jobs · {metrics.sweep.template.join(' ')}
        </span>
        <span className="spacer" />
        <button type="button" data-testid="export-csv" onClick={exportCsv} disabled={exporting || metrics.name === null}>
          Export CSV
        </button>
      </div>
      {metrics.name === null ? (
        <EmptyState title="No metrics yet">
          <p>
            Jobs report metrics by printing lines like <code>{'::metric {"step": 10, "loss": 0.31}'}</code> on stdout.
          </p>
        </EmptyState>
      ) : (
        <>
          <CompareChart metrics={metrics} />
          <FinalsTable key={metrics.name} metrics={metrics} />
        </>
      )}
    </>
  );
}

/** Compare one metric across the jobs of a sweep: a line per job, legend by params, final values sortable. */
export function ComparePage({ id }: { id: number | null }) {
  const sweeps = useSweeps();
  // Without a sweep in the address, open the newest one.
  useEffect(() => {
    if (id === null && sweeps && sweeps.length > 0) navigate(`/compare/${sweeps[0].id}`, true);
  }, [id, sweeps]);
  return (
    <div className="page" data-testid="compare">
      <div className="page-head">
        <h1>Compare</h1>
        <span className="spacer" />
        {sweeps && sweeps.length > 0 && (
          <select aria-label="Sweep" value={id ?? ''} onChange={(e) => navigate(`/compare/${e.target.value}`)}>
            {id !== null && !sweeps.some((s) => s.id === id) && <option value={id}>sweep {id}</option>}
            {sweeps.map((s) => (
              <option key={s.id} value={s.id}>
                #{s.id} {s.name} ({s.jobs} jobs, {s.project})
              </option>
            ))}
          </select>
        )}
      </div>
      {id !== null ? (
        <SweepComparison key={id} id={id} />
      ) : sweeps && sweeps.length === 0 ? (
        <EmptyState title="No sweeps yet" command="gantry sweep 'python train.py --lr {lr} --seed {seed}' --param lr=1e-3,3e-4 --param seed=1..5">
          <p>A sweep queues one job per combination of parameter values; its jobs are compared here.</p>
        </EmptyState>
      ) : (
        <EmptyState title="Loading sweeps…" />
      )}
    </div>
  );
}
