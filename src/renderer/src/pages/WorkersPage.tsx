import { useEffect, useState } from 'react';
import type { Job, Worker } from '../../../shared';
import { api } from '../api/client';
import { onEvents } from '../api/live';
import { useWorkers } from '../stores/workers';
import { toastError, toastSuccess } from '../stores/toasts';
import { Link } from '../router';
import { colorVar } from '../components/StateBadge';
import { GpuCharts } from '../components/GpuCharts';
import { GpuGrid } from '../components/GpuGrid';
import { EmptyState } from '../components/EmptyState';
import { formatAgo, formatMb, jobRuntime } from '../logic/format';
import { useNow } from '../components/useNow';

const WORKER_COLORS: Record<Worker['state'], string> = { online: 'var(--ok)', draining: 'var(--warn)', offline: 'var(--muted)' };

function useRunningJobs(workerId: string): Job[] {
  const [jobs, setJobs] = useState<Job[]>([]);
  useEffect(() => {
    const load = () => api().call('listJobs', { query: { worker_id: workerId, state: 'running', limit: 100 } }).then((p) => setJobs(p.jobs), (e) => toastError(e, 'Running jobs'));
    load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEvents((events) => {
      // Finish events may not name the worker; any start or stop can change this list.
      if (!events.some((e) => e.worker_id === workerId || ['job.succeeded', 'job.failed', 'job.cancelled', 'job.requeued', 'attempt.lost'].includes(e.type))) return;
      timer ??= setTimeout(() => {
        timer = null;
        load();
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [workerId]);
  return jobs;
}

/** This coordinator's own worker, which can be started again from here; null with a read-only token or none. */
function useLocalWorkerId(): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    api().call('serverInfo').then((info) => setId(info.local_worker_id), () => setId(null));
  }, []);
  return id;
}

function WorkerCard({ worker, isLocal }: { worker: Worker; isLocal: boolean }) {
  const running = useRunningJobs(worker.id);
  // Running times and "seen … ago" grow on screen; tick each second while there is something to count.
  const now = useNow(1000);
  const setState = async (state: 'online' | 'draining') => {
    try {
      await useWorkers.getState().setState(worker.id, state);
      toastSuccess(state === 'draining' ? `${worker.name} is draining: it finishes its jobs and takes no new ones` : `${worker.name} takes jobs again`);
    } catch (error) {
      toastError(error, `${worker.name}`);
    }
  };
  const start = async () => {
    try {
      await api().call('startWorker', { params: { id: worker.id } });
      toastSuccess(`${worker.name} started again`);
      void useWorkers.getState().reload();
    } catch (error) {
      toastError(error, `${worker.name}`);
    }
  };
  const stop = async () => {
    const again = isLocal ? 'start it again here' : 'start it again on its host';
    if (!window.confirm(`Stop ${worker.name}? Its agent hands its running jobs back to the queue and exits; ${again}.`)) return;
    try {
      await useWorkers.getState().stop(worker.id);
      toastSuccess(`${worker.name} stops at its next heartbeat; its running jobs go back to the queue`);
    } catch (error) {
      toastError(error, `${worker.name}`);
    }
  };
  const models = [...new Set(worker.gpus.map((g) => g.model))];
  return (
    <div className="card worker-card" data-testid="worker" data-worker-id={worker.id}>
      <div className="worker-head">
        <h2 style={{ margin: 0 }}>{worker.name}</h2>
        <span className="badge" style={colorVar(WORKER_COLORS[worker.state])}>
          {worker.state}
        </span>
        <span className="subtle small">
          {worker.hostname} {worker.version && `· agent ${worker.version}`} · seen {formatAgo(worker.last_seen_at, now)}
        </span>
        {worker.slurm && (
          <span className="subtle small" data-testid="worker-slurm" title={worker.slurm.reason ?? ''}>
            Slurm {worker.slurm.job_id} {worker.slurm.state}
          </span>
        )}
        {worker.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        <span className="spacer" style={{ flex: 1 }} />
        {worker.state === 'online' && <button onClick={() => setState('draining')}>Drain</button>}
        {worker.state === 'draining' && <button onClick={() => setState('online')}>Resume</button>}
        {worker.state !== 'offline' &&
          (worker.stop_requested ? <span className="subtle small">stopping…</span> : <button onClick={stop}>Stop</button>)}
        {worker.state === 'offline' && isLocal && <button onClick={start}>Start</button>}
      </div>
      <dl className="kv">
        <dt>CPUs</dt>
        <dd>{worker.cpus}</dd>
        <dt>Memory</dt>
        <dd>{formatMb(worker.memory_mb)}</dd>
        <dt>GPUs</dt>
        <dd>
          {worker.gpus.length ? `${worker.gpus.length} × ${models.join(', ')} (${worker.gpus.map((g) => formatMb(g.memory_total_mb)).join(', ')})` : 'none'}
        </dd>
        <dt>Running</dt>
        <dd>
          {running.length === 0 ? (
            <span className="subtle">nothing</span>
          ) : (
            running.map((job) => (
              <span key={job.id} style={{ marginRight: 12 }}>
                <Link to={`/jobs/${job.id}`}>
                  #{job.id} {job.name}
                </Link>{' '}
                <span className="subtle small" data-testid="running-time">{jobRuntime(job, now)}</span>
              </span>
            ))
          )}
        </dd>
      </dl>
      {worker.gpus.length > 0 && (
        <>
          <GpuGrid workerId={worker.id} />
          <GpuCharts workerId={worker.id} gpuCount={worker.gpus.length} />
        </>
      )}
    </div>
  );
}

export function WorkersPage() {
  const workers = useWorkers((s) => s.workers);
  const loaded = useWorkers((s) => s.loaded);
  const error = useWorkers((s) => s.error);
  const [showOffline, setShowOffline] = useState(false);
  const localWorkerId = useLocalWorkerId();
  // The local worker stays on the page when stopped: this is where it is started again.
  const shown = workers.filter((w) => showOffline || w.state !== 'offline' || w.id === localWorkerId);
  const offline = workers.length - workers.filter((w) => w.state !== 'offline').length;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Workers & GPUs</h1>
        <span className="spacer" />
        {offline > 0 && (
          <label className="check small">
            <input type="checkbox" checked={showOffline} onChange={(e) => setShowOffline(e.target.checked)} /> Show {offline} offline
          </label>
        )}
      </div>
      {error && <div className="banner">Could not load workers: {error}</div>}
      {loaded && shown.length === 0 ? (
        <EmptyState title="No workers online" command={'gantry serve     # runs a worker on this machine too\nnode gantry-agent.js --url URL --token-file FILE   # on a GPU host'}>
          <p>Jobs wait in the queue until a worker that fits them connects.</p>
        </EmptyState>
      ) : (
        shown.map((worker) => <WorkerCard key={worker.id} worker={worker} isLocal={worker.id === localWorkerId} />)
      )}
    </div>
  );
}
