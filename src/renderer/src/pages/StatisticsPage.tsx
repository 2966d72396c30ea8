import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsGrouping, StatsReport } from '../../../shared';
import { api } from '../api/client';
import { CHART_COLORS, LineChartBox } from '../components/LineChartBox';
import { EmptyState } from '../components/EmptyState';
import { Link } from '../router';
import { formatAgo } from '../logic/format';
import { FLOW_SERIES, PERIODS, gpuHourBars, jobFlowRows } from '../logic/stats';
import { toastError } from '../stores/toasts';

const dayHour = (at: number) => new Date(at).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12 };

function Total({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

function GpuHoursChart({ report }: { report: StatsReport }) {
  return (
    <div className="chart-card" data-testid="chart-gpu-hours">
      <h3>GPU-hours by {report.by}</h3>
      <div className="chart-box tall">
        {report.groups.length === 0 ? (
          <div className="empty small">No GPU time in this period</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={gpuHourBars(report)} margin={{ top: 6, right: 10, bottom: 0, left: -12 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="key" stroke="var(--muted)" fontSize={11} tickLine={false} />
              <YAxis stroke="var(--muted)" fontSize={11} tickLine={false} unit="h" width={58} />
              <Tooltip contentStyle={TOOLTIP_STYLE} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="busy" name="in use" stackId="h" fill={CHART_COLORS[0]} isAnimationActive={false} />
              <Bar dataKey="idle" name="idle" stackId="h" fill="var(--warn)" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}

function IdleNow({ report }: { report: StatsReport }) {
  const { idle_now: idle, idle_rule: rule } = report;
  return (
    <div className="card" data-testid="idle-now">
      <h3>
        GPUs idle now <span className="subtle">(≤ {rule.threshold_pct}% for {rule.minutes} min)</span>
      </h3>
      {idle.length === 0 ? (
        <p className="subtle">None: every held GPU is working.</p>
      ) : (
        <table className="plain">
          <thead>
            <tr>
              <th>Job</th>
              <th>Project</th>
              <th>Worker</th>
              <th>GPU</th>
              <th>Idle since</th>
            </tr>
          </thead>
          <tbody>
            {idle.map((i) => (
              <tr key={`${i.job_id}/${i.attempt}/${i.gpu}`}>
                <td>
                  <Link to={`/jobs/${i.job_id}`}>
                    #{i.job_id} {i.job_name}
                  </Link>
                </td>
                <td>{i.project}</td>
                <td>{i.worker}</td>
                <td>{i.gpu}</td>
                <td>{formatAgo(i.idle_since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function StatisticsPage() {
  const [since, setSince] = useState<string>('7d');
  const [by, setBy] = useState<StatsGrouping>('project');
  const [report, setReport] = useState<StatsReport | null>(null);
  useEffect(() => {
    let current = true;
    api()
      .call('stats', { query: { since, by } })
      .then((r) => current && setReport(r), (e) => toastError(e, 'Statistics'));
    return () => {
      current = false;
    };
  }, [since, by]);

  return (
    <div className="page" data-testid="statistics">
      <div className="page-head">
        <h1>Statistics</h1>
        <span className="spacer" />
        <select aria-label="Period" value={since} onChange={(e) => setSince(e.target.value)}>
          {PERIODS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <select aria-label="Group by" value={by} onChange={(e) => setBy(e.target.value as StatsGrouping)}>
          <option value="project">by project</option>
          <option value="label">by label</option>
          <option value="worker">by worker</option>
        </select>
      </div>
      {!report ? (
        <EmptyState title="Loading statistics…" />
      ) : (
        <>
          <div className="grid cols-4" data-testid="stats-totals">
            <Total label="GPU-hours" value={report.total.gpu_hours.toFixed(1)} />
            <Total label="Idle GPU-hours" value={report.total.idle_gpu_hours.toFixed(1)} />
            <Total label="Idle share" value={`${(report.total.idle_share * 100).toFixed(1)}%`} testId="idle-share" />
            <Total label="GPUs idle now" value={String(report.idle_now.length)} />
          </div>
          <div className="grid cols-2">
            <LineChartBox
              title="Jobs per hour"
              rows={jobFlowRows(report)}
              xKey="hour"
              xFormat={dayHour}
              series={FLOW_SERIES.map((s) => ({ key: s, label: s }))}
              tall
            />
            <GpuHoursChart report={report} />
          </div>
          <IdleNow report={report} />
        </>
      )}
    </div>
  );
}
