import { useCallback, useEffect, useState } from 'react';
import type { HookRun, Suite, SuiteHook } from '../../../../shared';
import { api, describeError } from '../../api/client';
import { formatTime } from '../../logic/format';

const hookText = (hook: SuiteHook | null): string => {
  if (!hook) return '(none)';
  return `${Array.isArray(hook.command) ? hook.command.join(' ') : hook.command.shell}  · timeout ${hook.timeout_s} s`;
};

const STANDING: Record<Suite['workers'][number]['state'], string> = {
  set_up: 'set up',
  failed: 'setup failed',
  banned: 'not serving (setup failed 3 times)',
  cleaned: 'cleaned up',
};

/** One hook run's output, fetched when asked for, shown like a job log. */
function HookOutput({ suiteId, run }: { suiteId: number; run: HookRun }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    void api()
      .request('readHookLog', { params: { suite: String(suiteId), run: run.id } })
      .then((response) => response.text())
      .then(setText, (err: unknown) => setText(describeError(err).message));
  }, [suiteId, run.id]);
  return (
    <pre className="command mono small" data-testid="hook-output">
      {text ?? 'Loading…'}
    </pre>
  );
}

/** A suite's hooks, how each worker stands with it, and every hook run with its output; `hookRunsVersion` moves when a suite.hook event names it. */
export function SuiteDetail({ suite, hookRunsVersion }: { suite: Suite; hookRunsVersion: number }) {
  const [runs, setRuns] = useState<HookRun[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const refresh = useCallback(async () => setRuns(await api().call('listHookRuns', { params: { suite: String(suite.id) } })), [suite.id]);
  useEffect(() => {
    void refresh();
  }, [refresh, hookRunsVersion]);
  return (
    <div className="card" data-testid="suite-detail">
      <dl className="kv">
        <dt>Setup</dt>
        <dd className="mono">{hookText(suite.setup)}</dd>
        <dt>Cleanup</dt>
        <dd className="mono">{hookText(suite.cleanup)}</dd>
        <dt>Tags</dt>
        <dd>{suite.tags.length ? suite.tags.map((t) => <span key={t} className="tag mono">{t}</span>) : '(any worker)'}</dd>
        <dt>Inputs</dt>
        <dd className="mono" data-testid="suite-inputs">
          {suite.inputs?.length ? suite.inputs.map((input) => `${input.source} → ${input.archive ? 'extracted' : input.name}`).join(', ') : '(none)'}
        </dd>
        <dt>Labels</dt>
        <dd data-testid="suite-labels">
          {Object.keys(suite.labels).length
            ? Object.entries(suite.labels).map(([key, value]) => <span key={key} className="tag mono">{`${key}=${value}`}</span>)
            : '(none)'}
        </dd>
      </dl>
      <h2>Workers</h2>
      {suite.workers.length === 0 ? (
        <p className="subtle">No worker has set it up yet.</p>
      ) : (
        <table className="plain">
          <thead>
            <tr><th>Worker</th><th>Standing</th><th>Setups</th><th>Failed setups</th></tr>
          </thead>
          <tbody>
            {suite.workers.map((w) => (
              <tr key={w.worker_id} data-testid="suite-worker" data-state={w.state}>
                <td>{w.worker_name}</td>
                <td>{STANDING[w.state]}</td>
                <td>{w.setups}</td>
                <td>{w.setup_failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Hook runs</h2>
      {runs.length === 0 ? (
        <p className="subtle">None yet.</p>
      ) : (
        <table className="plain">
          <thead>
            <tr><th>Worker</th><th>Hook</th><th>Outcome</th><th>Exit</th><th>Ended</th><th>Error</th><th /></tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-testid="hook-run" data-outcome={run.outcome}>
                <td>{run.worker_name}</td>
                <td>{run.hook}</td>
                <td>{run.outcome}</td>
                <td>{run.exit_code ?? '–'}</td>
                <td className="subtle">{formatTime(run.finished_at)}</td>
                <td className="small">{run.error ?? ''}</td>
                <td>
                  <button className="ghost" onClick={() => setOpen(open === run.id ? null : run.id)}>
                    {open === run.id ? 'Hide output' : `Output (${run.log_bytes} B)`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && runs.some((r) => r.id === open) && <HookOutput suiteId={suite.id} run={runs.find((r) => r.id === open) as HookRun} />}
    </div>
  );
}
