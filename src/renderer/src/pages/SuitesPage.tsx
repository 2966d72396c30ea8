import { useState } from 'react';
import type { Suite } from '../../../shared';
import { api, describeError } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { SuiteDetail } from './suites/SuiteDetail';
import { useSuiteList } from './suites/useSuiteList';
import { ErrorCard } from '../components/ErrorCard';

/** Counters kept by the coordinator, as one line: what is done out of the total, and what is in flight. */
function progress(suite: Suite): { done: number; text: string } {
  const c = suite.counts;
  const done = c.succeeded + c.failed + c.cancelled + c.blocked;
  return { done, text: `${done}/${c.total} done · ${c.queued + c.waiting} queued · ${c.running} running · ${c.failed} failed` };
}

export function SuitesPage() {
  const { suites, error, setError, reload, hookRunsVersion } = useSuiteList();
  const [selected, setSelected] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const close = async (suite: Suite) => {
    try {
      const closed = await api().call('closeSuite', { params: { suite: String(suite.id) } });
      const n = closed.cancelled_jobs;
      setNotice(`Closed ${closed.name}; ${n} ${n === 1 ? 'job' : 'jobs'} not yet started cancelled.`);
    } catch (err) {
      setError(describeError(err).message);
    }
    void reload();
  };

  const chosen = suites.find((s) => s.id === selected);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Suites</h1>
      </div>
      <ErrorCard error={error} />
      {notice && (
        <div className="card" role="status" data-testid="suites-notice">
          {notice}
        </div>
      )}
      {suites.length === 0 ? (
        <EmptyState title="No suites yet">
          <p>
            A suite runs its setup once per worker for many jobs: <code>gantry suite create evals --setup 'pip install -r req.txt'</code>, then{' '}
            <code>gantry submit --suite evals …</code>.
          </p>
        </EmptyState>
      ) : (
        <table className="plain card" data-testid="suites-table">
          <thead>
            <tr><th>Suite</th><th>State</th><th>Progress</th><th>Workers set up</th><th /></tr>
          </thead>
          <tbody>
            {suites.map((suite) => {
              const { done, text } = progress(suite);
              return (
                <tr key={suite.id} data-suite={suite.name} data-state={suite.state} aria-selected={suite.id === selected}>
                  <td>
                    <button className="ghost" onClick={() => setSelected(suite.id === selected ? null : suite.id)}>
                      {suite.name}
                    </button>
                    <span className="subtle"> #{suite.id} · {suite.project}</span>
                  </td>
                  <td data-testid="suite-state">{suite.state}{suite.closed_by ? ` (${suite.closed_by})` : ''}</td>
                  <td>
                    <progress max={Math.max(1, suite.counts.total)} value={done} /> <span data-testid="suite-counts">{text}</span>
                  </td>
                  <td>{suite.workers.filter((w) => w.state === 'set_up').length}</td>
                  <td>{suite.state === 'open' && <button onClick={() => void close(suite)}>Close</button>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {chosen && <SuiteDetail suite={chosen} hookRunsVersion={hookRunsVersion.get(chosen.id) ?? 0} />}
    </div>
  );
}
