import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SweepMetrics } from '../../../../shared';
import { axisLabel, legendLabel, lineColor } from '../../logic/compare';
import { formatTickValue } from '../../logic/ticks';

const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12 };

/** One line per job of the sweep, each with its own points (downsampled lines rarely share x values). */
export function CompareChart({ metrics }: { metrics: SweepMetrics }) {
  const lines = useMemo(
    () =>
      metrics.jobs
        .map((job, index) => ({ job, color: lineColor(index), label: legendLabel(job, metrics.varying_params), data: job.points.map(([x, value]) => ({ x, value })) }))
        .filter((line) => line.data.length > 0),
    [metrics],
  );
  return (
    <div className="chart-card" data-testid="compare-chart" data-lines={lines.length}>
      <h3>
        {metrics.name} <span className="subtle">by {axisLabel(metrics)}</span>
      </h3>
      <div className="chart-box compare">
        {lines.length === 0 ? (
          <div className="empty small">No job of this sweep reported {metrics.name ?? 'a metric'} yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 6, right: 10, bottom: 0, left: -4 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} stroke="var(--muted)" fontSize={11} tickLine={false} tickFormatter={formatTickValue} />
              <YAxis domain={['auto', 'auto']} stroke="var(--muted)" fontSize={11} tickLine={false} width={58} tickFormatter={formatTickValue} />
              <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : String(value))} />
              <Legend wrapperStyle={{ fontSize: 11 }} iconSize={8} />
              {lines.map((line) => (
                <Line key={line.job.job_id} data={line.data} dataKey="value" name={line.label} stroke={line.color} strokeWidth={1.6} dot={false} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}
