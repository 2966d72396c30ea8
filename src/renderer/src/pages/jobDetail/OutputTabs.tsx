import { useState } from 'react';
import type { Attempt } from '../../../../shared';
import { LogTerminal } from '../../components/LogTerminal';
import { MetricsCharts } from '../../components/MetricsCharts';
import type { MetricRow } from '../../logic/metrics';

type Tab = 'log' | 'metrics';

/**
 * The log and the metric charts as tabs of one card, so the charts are one click away instead of
 * below a terminal's height. The terminal stays mounted while hidden, so its live stream and
 * scrollback survive a look at the charts.
 */
export function OutputTabs({ jobId, attempts, metrics, onOutput }: { jobId: number; attempts: Attempt[]; metrics: MetricRow[]; onOutput(): void }) {
  const [tab, setTab] = useState<Tab>('log');
  const [shownAttempt, setShownAttempt] = useState<number | null>(null);
  const attempt = shownAttempt ?? (attempts.length ? attempts[attempts.length - 1].attempt : null);
  const metricNames = new Set(metrics.map((m) => m.name)).size;
  return (
    <div className="card" data-testid="output">
      <div className="page-head" style={{ marginBottom: 10 }}>
        <div className="seg" role="tablist" aria-label="Job output">
          <button role="tab" aria-selected={tab === 'log'} className={tab === 'log' ? 'on' : ''} onClick={() => setTab('log')}>
            Log
          </button>
          <button role="tab" aria-selected={tab === 'metrics'} className={tab === 'metrics' ? 'on' : ''} onClick={() => setTab('metrics')} data-testid="metrics-tab">
            Metrics{metricNames ? ` (${metricNames})` : ''}
          </button>
        </div>
        <span className="spacer" />
        {tab === 'log' && attempts.length > 1 && (
          <select aria-label="Attempt" value={attempt ?? ''} onChange={(e) => setShownAttempt(Number(e.target.value))}>
            {attempts.map((a) => (
              <option key={a.attempt} value={a.attempt}>
                Attempt {a.attempt}
              </option>
            ))}
          </select>
        )}
      </div>
      <div role="tabpanel" hidden={tab !== 'log'}>
        {attempt === null ? (
          <p className="subtle" style={{ margin: 0 }}>
            The log appears here, live, once a worker starts the job.
          </p>
        ) : (
          <LogTerminal key={`${jobId}:${attempt}`} jobId={jobId} attempt={attempt} onOutput={onOutput} />
        )}
      </div>
      <div role="tabpanel" hidden={tab !== 'metrics'}>
        <MetricsCharts points={metrics} />
      </div>
    </div>
  );
}
