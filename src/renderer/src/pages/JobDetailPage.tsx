import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Attempt, Job, Explanation } from '../../../shared';
import { FINAL_STATES, RETRYABLE_STATES, describeAttempts, describeRetries } from '../../../shared';
import { api, describeError } from '../api/client';
import { onEvents } from '../api/live';
import { useWorkers } from '../stores/workers';
import { toastError, toastSuccess } from '../stores/toasts';
import { Link } from '../router';
import { StateBadge } from '../components/StateBadge';
import { IdleGpuBadge } from '../components/IdleGpuBadge';
import { ExplainPanel } from '../components/Explanation';
import { LogTerminal } from '../components/LogTerminal';
import { MetricsCharts } from '../components/MetricsCharts';
import { AttemptsTimeline } from '../components/AttemptsTimeline';
import { EmptyState } from '../components/EmptyState';
import { commandText, formatTime, jobRuntime, resourcesText, formatMb } from '../logic/format';
import type { MetricRow } from '../logic/metrics';

interface Detail {
  job: Job;
  attempts: Attempt[];
  upstream: Job[];
  downstream: Job[];
  explanation: Explanation | null;
}

const MAX_DEPS_SHOWN = 100;

async function loadDetail(id: number): Promise<Detail> {
  const job = await api().call('getJob', { params: { id } });
  const pending = job.state === 'waiting' || job.state === 'queued';
  const [attempts, downstream, upstream, explanation] = await Promise.all([
    api().call('listAttempts', { params: { id } }),
    api().call('jobDependents', { params: { id } }),
    Promise.all(job.depends_on.slice(0, MAX_DEPS_SHOWN).map((dep) => api().call('getJob', { params: { id: dep } }))),
    pending ? api().call('explainJob', { params: { id } }) : Promise.resolve(null),
  ]);
  return { job, attempts, upstream, downstream, explanation };
}

function DependencyList({ jobs, empty }: { jobs: Job[]; empty: string }) {
  if (jobs.length === 0) return <p className="subtle small" style={{ margin: 0 }}>{empty}</p>;
  return (
    <div className="list">
      {jobs.map((dep) => (
        <div key={dep.id} className="list-item">
          <StateBadge state={dep.state} />
          <Link to={`/jobs/${dep.id}`} className="grow">
            #{dep.id} {dep.name}
          </Link>
        </div>
      ))}
    </div>
  );
}

function Actions({ job, onChanged }: { job: Job; onChanged(): void }) {
  const [priority, setPriority] = useState(String(job.priority));
  const act = async (label: string, run: () => Promise<unknown>) => {
    try {
      await run();
      toastSuccess(`${label} #${job.id}`);
      onChanged();
    } catch (error) {
      toastError(error, `${label} #${job.id} refused`);
    }
  };
  return (
    <div className="toolbar">
      {!FINAL_STATES.includes(job.state) && (
        <button className="danger" onClick={() => act('Cancelled', () => api().call('cancelJob', { params: { id: job.id } }))}>
          Cancel
        </button>
      )}
      {RETRYABLE_STATES.includes(job.state) && (
        <button onClick={() => act('Retried', () => api().call('retryJob', { params: { id: job.id } }))}>Retry</button>
      )}
      <span className="subtle small">Priority</span>
      <input aria-label="Priority" type="number" value={priority} onChange={(e) => setPriority(e.target.value)} style={{ width: 90 }} />
      <button
        disabled={priority === String(job.priority) || priority.trim() === ''}
        onClick={() => act('Re-prioritised', () => api().call('setPriority', { params: { id: job.id }, body: { priority: Number(priority) } }))}
      >
        Set priority
      </button>
    </div>
  );
}

export function JobDetailPage({ id }: { id: number }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [metrics, setMetrics] = useState<MetricRow[]>([]);
  const [shownAttempt, setShownAttempt] = useState<number | null>(null);
  const workers = useWorkers((s) => s.workers);
  const workerName = useCallback((wid: string) => workers.find((w) => w.id === wid)?.name ?? wid, [workers]);
  const metricsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(() => {
    loadDetail(id).then(
      (d) => {
        setDetail(d);
        setError(null);
      },
      (e) => setError(describeError(e).message),
    );
  }, [id]);
  const reloadMetrics = useCallback(() => {
    api().call('listMetrics', { params: { id } }).then(setMetrics, (e) => toastError(e, 'Metrics'));
  }, [id]);

  useEffect(() => {
    reload();
    reloadMetrics();
  }, [reload, reloadMetrics]);

  // Reload when this job, or a job it depends on or that depends on it, moves.
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

  if (error && !detail) {
    return (
      <div className="page">
        <EmptyState title={`Job #${id} could not be loaded`}>
          <p>{error}</p>
          <Link to="/jobs">Back to jobs</Link>
        </EmptyState>
      </div>
    );
  }
  if (!detail) return <div className="page subtle">Loading job #{id}…</div>;
  const { job, attempts, upstream, downstream, explanation } = detail;
  const attempt = shownAttempt ?? (attempts.length ? attempts[attempts.length - 1].attempt : null);
  const req = job.requirements;

  return (
    <div className="page" data-testid="job-detail" data-state={job.state}>
      <div className="page-head">
        <Link to="/jobs" className="subtle">
          ← Jobs
        </Link>
        <h1>
          #{job.id} {job.name}
        </h1>
        <StateBadge state={job.state} />
        <IdleGpuBadge jobId={job.id} />
        <span className="spacer" />
        <Actions key={job.priority} job={job} onChanged={reload} />
      </div>

      {explanation && <ExplainPanel explanation={explanation} />}

      <div className="grid cols-2">
        <div className="card">
          <h2>Command</h2>
          <pre className="command mono">{commandText(job.command)}</pre>
          <dl className="kv" style={{ marginTop: 12 }}>
            <dt>Project</dt>
            <dd>{job.project}</dd>
            <dt>Working dir</dt>
            <dd className="mono">{job.cwd ?? '(worker default)'}</dd>
            {Object.keys(job.params).length > 0 && (
              <>
                <dt>Params</dt>
                <dd>
                  {Object.entries(job.params).map(([k, v]) => (
                    <span key={k} className="tag mono">
                      {k}={String(v)}
                    </span>
                  ))}
                </dd>
              </>
            )}
            {Object.keys(job.env).length > 0 && (
              <>
                <dt>Env</dt>
                <dd className="mono small">{Object.keys(job.env).join(', ')}</dd>
              </>
            )}
            <dt>Priority</dt>
            <dd>{job.priority}</dd>
            <dt>Attempts</dt>
            <dd>{describeAttempts(job)}</dd>
            <dt>Retries</dt>
            <dd>{describeRetries(job)}</dd>
            <dt>Timeout</dt>
            <dd>{job.timeout_s ? `${job.timeout_s}s` : 'none'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(job.created_at)}</dd>
            <dt>Runtime</dt>
            <dd>{jobRuntime(job)}</dd>
            {job.worker_id && (
              <>
                <dt>Worker</dt>
                <dd>{workerName(job.worker_id)}</dd>
              </>
            )}
            {job.exit_code !== null && (
              <>
                <dt>Exit code</dt>
                <dd>{job.exit_code}</dd>
              </>
            )}
            {job.error && (
              <>
                <dt>Error</dt>
                <dd style={{ color: 'var(--danger)' }}>{job.error}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="card">
          <h2>Requirements</h2>
          <dl className="kv">
            <dt>Resources</dt>
            <dd>{resourcesText(req)}</dd>
            {req.gpu_memory_mb !== null && (
              <>
                <dt>GPU memory</dt>
                <dd>{formatMb(req.gpu_memory_mb)} per GPU (may share)</dd>
              </>
            )}
            {req.gpu_models.length > 0 && (
              <>
                <dt>GPU models</dt>
                <dd>{req.gpu_models.join(', ')}</dd>
              </>
            )}
            <dt>Tags</dt>
            <dd>{req.tags.length ? req.tags.map((t) => <span key={t} className="tag">{t}</span>) : <span className="subtle">any worker</span>}</dd>
          </dl>
          <h3 style={{ marginTop: 16 }}>Depends on</h3>
          <DependencyList jobs={upstream} empty="No dependencies." />
          <h3 style={{ marginTop: 12 }}>Needed by</h3>
          <DependencyList jobs={downstream} empty="No job depends on this one." />
        </div>
      </div>

      <div className="card">
        <h2>Attempts</h2>
        <AttemptsTimeline attempts={attempts} workerName={workerName} now={Date.now()} />
      </div>

      <div className="card">
        <div className="page-head" style={{ marginBottom: 10 }}>
          <h2 style={{ margin: 0 }}>Log</h2>
          {attempts.length > 1 && (
            <select aria-label="Attempt" value={attempt ?? ''} onChange={(e) => setShownAttempt(Number(e.target.value))}>
              {attempts.map((a) => (
                <option key={a.attempt} value={a.attempt}>
                  Attempt {a.attempt}
                </option>
              ))}
            </select>
          )}
        </div>
        {attempt === null ? (
          <p className="subtle" style={{ margin: 0 }}>
            The log appears here, live, once a worker starts the job.
          </p>
        ) : (
          <LogTerminal key={`${job.id}:${attempt}`} jobId={job.id} attempt={attempt} onOutput={onOutput} />
        )}
      </div>

      <div className="card">
        <h2>Metrics</h2>
        <MetricsCharts points={metrics} />
      </div>

      <div className="card">
        <h2>Artifacts</h2>
        <p className="subtle" style={{ margin: 0 }} data-testid="artifacts">
          No artifacts yet. Artifact upload and download arrive with the artifacts issue; files a job saves will be listed here.
        </p>
      </div>
    </div>
  );
}
