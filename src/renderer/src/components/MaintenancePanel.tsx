import { useEffect, useState } from 'react';
import type { MaintenanceKind, MaintenanceRequest, MaintenanceTask } from '../../../shared';
import { api } from '../api/client';
import { formatAgo } from '../logic/format';
import { toastError, toastSuccess } from '../stores/toasts';

const KINDS: Array<{ kind: MaintenanceKind; label: string }> = [
  { kind: 'prune', label: 'Prune old jobs' },
  { kind: 'orphans', label: 'Orphan files' },
  { kind: 'health', label: 'Health check' },
  { kind: 'stats', label: 'Data dir statistics' },
];
const POLL_MS = 500;

/** The last task of each kind, for "when did it last run and what did it do". */
export function lastOfEachKind(tasks: MaintenanceTask[]): Partial<Record<MaintenanceKind, MaintenanceTask>> {
  const last: Partial<Record<MaintenanceKind, MaintenanceTask>> = {};
  for (const task of tasks) if (!last[task.kind] || last[task.kind]!.id < task.id) last[task.kind] = task;
  return last;
}

function LastRun({ task }: { task: MaintenanceTask | undefined }) {
  if (!task) return <span className="subtle">never run</span>;
  const what = task.state === 'running' ? 'running…' : task.state === 'failed' ? `failed: ${task.error}` : task.result?.summary;
  return (
    <span>
      <span className="subtle">{formatAgo(task.started_at)}:</span> {what}
      {task.result?.checks.map((c) => (
        <div key={c.name} className="small" data-status={c.status}>
          {c.status === 'ok' ? '✓' : c.status === 'warn' ? '!' : '✗'} {c.name}: {c.message}
        </div>
      ))}
    </span>
  );
}

/** Settings › Maintenance: run prune, orphans, health and stats on demand and see when each last ran. */
export function MaintenancePanel() {
  const [tasks, setTasks] = useState<MaintenanceTask[]>([]);
  const [days, setDays] = useState('30');
  const [dryRun, setDryRun] = useState(true);
  const load = () => api().call('listMaintenance').then(setTasks, (e) => toastError(e, 'Maintenance'));
  useEffect(() => {
    load();
  }, []);
  const running = tasks.some((t) => t.state === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(load, POLL_MS);
    return () => clearTimeout(timer);
  }, [tasks, running]);

  const start = async (request: MaintenanceRequest) => {
    try {
      const task = await api().call('startMaintenance', { body: request });
      toastSuccess(`${task.kind} started`);
      load();
    } catch (error) {
      toastError(error, 'Maintenance');
    }
  };
  const requestFor = (kind: MaintenanceKind): MaintenanceRequest =>
    kind === 'prune' ? { kind, older_than_days: Number(days), dry_run: dryRun } : kind === 'orphans' ? { kind, dry_run: dryRun } : { kind };
  const last = lastOfEachKind(tasks);

  return (
    <div className="card" data-testid="maintenance">
      <h2>Maintenance</h2>
      <p className="subtle small">Nothing here runs by itself. Prune removes finished jobs older than the days given, with their logs and metrics.</p>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, marginBottom: 10 }}>
        <label>
          Older than <input aria-label="Days" type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} style={{ width: 70 }} /> days
        </label>
        <label>
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> dry run (count only)
        </label>
      </div>
      <dl className="kv">
        {KINDS.map(({ kind, label }) => (
          <div key={kind} style={{ display: 'contents' }}>
            <dt>
              <button disabled={last[kind]?.state === 'running'} onClick={() => start(requestFor(kind))}>
                {label}
              </button>
            </dt>
            <dd data-testid={`maintenance-${kind}`}>
              <LastRun task={last[kind]} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
