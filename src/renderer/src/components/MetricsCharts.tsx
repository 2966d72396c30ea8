import { useMemo } from 'react';
import { metricCharts, type MetricRow } from '../logic/metrics';
import { LineChartBox } from './LineChartBox';

export function MetricsCharts({ points }: { points: MetricRow[] }) {
  const charts = useMemo(() => metricCharts(points), [points]);
  if (charts.length === 0) {
    return (
      <p className="subtle" style={{ margin: 0 }}>
        No metrics yet. A job reports them by printing lines like <code>{'::metric {"step": 10, "loss": 0.31}'}</code> on stdout.
      </p>
    );
  }
  return (
    <div className="charts">
      {charts.map((chart) => (
        <LineChartBox
          key={chart.name}
          title={chart.name}
          rows={chart.rows}
          xKey="step"
          xFormat={(step) => String(step)}
          series={chart.attempts.map((a) => ({ key: `a${a}`, label: `attempt ${a}` }))}
        />
      ))}
    </div>
  );
}
