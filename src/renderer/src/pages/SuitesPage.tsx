import { useCallback, useEffect, useState } from 'react';
import type { Suite } from '../../../shared';
import { api, describeError } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { SuiteDetail } from './suites/SuiteDetail';

/** Counters kept by the coordinator, as one line: what is done out of the total, and what is in flight. */
function progress(suite: Suite): { done: number; text: string } {
  const c = suite.counts;
  const done = c.succeeded + c.failed + c.cancelled + c.blocked;
  return { done, text: `${done}/${c.total} done · ${c.queued + c.waiting} queued · ${c.running} running · ${c.failed} failed` };
}

export function SuitesPage() {
  const [suites, setSuites] = useState<Suite[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setSuites(await api().call('listSuites'));
    } catch (err) {
      setError(describeError(err).message);
    }
  }, []);

  useEffect(() => {
    void refresh();
    // Counters move with every job; a slow poll keeps the page current without a per-event fetch.
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [refresh]);

  const close = async (suite: Suite) => {
    try {
      await api().call('closeSuite', { params: { suite: String(suite.id) } });
    } catch (err) {
      setError(describeError(err).message);
    }
    void refresh();
  };

  const chosen = suites.find((s) => s.id === selected);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Suites</h1>
      </div>
      {error && (
        <div className="card" role="alert" style={{ color: 'var(--danger)' }}>
          {error}
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
      {chosen && <SuiteDetail suite={chosen} />}
    </div>
  );
}
