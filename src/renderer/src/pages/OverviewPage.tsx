import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Job, JobCounts } from '../../../shared';
import { JOB_STATES } from '../../../shared';
import { api } from '../api/client';
import { onEvents } from '../api/live';
import { useWorkers } from '../stores/workers';
import { useTelemetry } from '../stores/telemetry';
import { toastError } from '../stores/toasts';
import { Link } from '../router';
import { StateBadge, colorVar, stateColor } from '../components/StateBadge';
import { GpuGrid } from '../components/GpuGrid';
import { EmptyState } from '../components/EmptyState';
import { throughputBuckets, type Finish } from '../logic/throughput';
import { formatAgo } from '../logic/format';

const HOUR = 60 * 60_000;

function Stat({ label, value, to, hint }: { label: string; value: string; to: string; hint?: string }) {
  return (
    <Link to={to} className="card stat" style={{ color: 'inherit', textDecoration: 'none' }}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      {hint && <div className="subtle small">{hint}</div>}
    </Link>
  );
}

/** Counts, finishes over the last hour and recent failures, kept current by queue events. */
function useOverviewData() {
  const [counts, setCounts] = useState<JobCounts | null>(null);
  const [failures, setFailures] = useState<Job[]>([]);
  const [finishes, setFinishes] = useState<Map<number, Finish>>(new Map());
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const loadCounts = () => api().call('countJobs').then(setCounts, (e) => toastError(e, 'Job counts'));
    const loadFailures = () => api().call('listJobs', { query: { state: 'failed', limit: 8 } }).then((p) => setFailures(p.jobs), (e) => toastError(e, 'Recent failures'));
    loadCounts();
    loadFailures();
    // The latest finished jobs seed the hour's throughput; live events extend it from here.
    api()
      .call('listJobs', { query: { state: ['succeeded', 'failed'], limit: 1000 } })
      .then((page) => {
        setFinishes((current) => {
          const next = new Map(current);
          for (const job of page.jobs) if (job.finished_at && Date.now() - job.finished_at < HOUR) next.set(job.id, { at: job.finished_at, ok: job.state === 'succeeded' });
          return next;
        });
      }, (e) => toastError(e, 'Throughput'));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEvents((events) => {
      const done = events.filter((e) => e.job_id !== null && (e.type === 'job.succeeded' || e.type === 'job.failed'));
      if (done.length) {
        setFinishes((current) => {
          const next = new Map(current);
          for (const e of done) next.set(e.job_id as number, { at: e.at, ok: e.type === 'job.succeeded' });
          return next;
        });
      }
      timer ??= setTimeout(() => {
        timer = null;
        loadCounts();
        if (done.some((e) => e.type === 'job.failed')) loadFailures();
      }, 500);
    });
    // The hour window slides even when nothing happens; once a minute is enough for 5-minute buckets.
    const clock = setInterval(() => setNow(Date.now()), 60_000);
    return () => {
      off();
      clearInterval(clock);
      if (timer) clearTimeout(timer);
    };
  }, []);
  const buckets = useMemo(() => throughputBuckets(finishes.values(), now), [finishes, now]);
  return { counts, failures, buckets };
}

export function OverviewPage() {
  const workers = useWorkers((s) => s.workers);
  const latest = useTelemetry((s) => s.latest);
  const { counts, failures, buckets } = useOverviewData();
  const online = workers.filter((w) => w.state !== 'offline');
  const gpus = Object.values(latest);
  const busy = gpus.filter((g) => g.jobs.length > 0).length;
  const total = counts?.total ?? 0;
  const finishedHour = buckets.reduce((n, b) => n + b.succeeded + b.failed, 0);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
      </div>
      <div className="grid cols-4">
        <Stat label="Workers online" value={`${online.length}`} to="/workers" hint={`${workers.length} registered`} />
        <Stat label="GPUs busy" value={`${busy} / ${gpus.length}`} to="/workers" />
        <Stat label="Running" value={(counts?.running ?? 0).toLocaleString()} to="/jobs?state=running" />
        <Stat label="Queued" value={((counts?.queued ?? 0) + (counts?.waiting ?? 0)).toLocaleString()} to="/jobs?state=queued&state=waiting" hint={`${counts?.waiting ?? 0} waiting on dependencies${counts?.unrunnable ? `; ${counts.unrunnable} can never run on any worker seen` : ''}`} />
        <Stat label="Finished last hour" value={finishedHour.toLocaleString()} to="/jobs?state=succeeded&state=failed" />
      </div>

      {workers.length === 0 && total === 0 && (
        <div className="card">
          <EmptyState title="Welcome to Gantry" command={"gantry serve            # coordinator + a worker on this machine\ngantry submit -- python train.py --lr 1e-3"}>
            <p>Queue an experiment from the Submit page or the CLI. `gantry serve` runs a worker on this machine; hosts you add run their own.</p>
          </EmptyState>
        </div>
      )}

      <div className="grid cols-2">
        <div className="card" data-testid="state-summary">
          <h2>Jobs by state</h2>
          <div className="state-bar" aria-hidden>
            {counts &&
              JOB_STATES.map((s) => (counts[s] ? <div key={s} style={{ ...colorVar(stateColor(s)), width: `${(counts[s] / Math.max(1, total)) * 100}%` }} /> : null))}
          </div>
          <div className="legend" style={{ marginTop: 10 }}>
            {JOB_STATES.map((s) => (
              <Link key={s} to={`/jobs?state=${s}`} style={{ color: 'inherit' }}>
                <span style={colorVar(stateColor(s))}>
                  <i /> {s} <strong>{(counts?.[s] ?? 0).toLocaleString()}</strong>
                </span>
              </Link>
            ))}
          </div>
        </div>
        <div className="card">
          <h2>Throughput, last hour</h2>
          <div className="chart-box">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={buckets} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="at" tickFormatter={(at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })} stroke="var(--muted)" fontSize={11} tickLine={false} minTickGap={20} />
                <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} tickLine={false} />
                <Tooltip
                  labelFormatter={(at) => new Date(Number(at)).toLocaleTimeString()}
                  contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12 }}
                  cursor={{ fill: 'var(--panel-2)' }}
                />
                <Bar dataKey="succeeded" stackId="a" fill="var(--s-succeeded)" isAnimationActive={false} />
                <Bar dataKey="failed" stackId="a" fill="var(--s-failed)" isAnimationActive={false} radius={[3, 3, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      </div>

      <div className="card">
        <div className="page-head" style={{ marginBottom: 10 }}>
          <h2 style={{ margin: 0 }}>GPUs</h2>
          <span className="spacer" />
          <Link to="/workers" className="small">
            Charts per worker →
          </Link>
        </div>
        {gpus.length ? <GpuGrid /> : <p className="subtle" style={{ margin: 0 }}>No GPUs reported yet. Workers with NVIDIA GPUs show them here once their agent sends telemetry.</p>}
      </div>

      <div className="card">
        <h2>Recent failures</h2>
        {failures.length === 0 ? (
          <p className="subtle" style={{ margin: 0 }}>No failed jobs. </p>
        ) : (
          <div className="list">
            {failures.map((job) => (
              <div key={job.id} className="list-item">
                <StateBadge state={job.state} />
                <Link to={`/jobs/${job.id}`} className="grow">
                  #{job.id} {job.name}
                </Link>
                <span className="subtle small grow" style={{ flex: 2 }} title={job.error ?? ''}>
                  {job.error ?? (job.exit_code !== null ? `exit ${job.exit_code}` : '')}
                </span>
                <span className="subtle small">{formatAgo(job.finished_at)}</span>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
