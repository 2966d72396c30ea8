import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTickValue, roundTicks, timeTicks } from '../logic/ticks';

export const CHART_COLORS = Array.from({ length: 8 }, (_, i) => `var(--chart-${i + 1})`);

export interface ChartSeries {
  key: string;
  label: string;
}

interface Props {
  title: string;
  rows: Array<Record<string, number | null>>;
  xKey: string;
  series: ChartSeries[];
  unit?: string;
  domain?: [number | 'auto', number | 'auto'];
  /** Formats x values (times as clock time, steps as numbers). */
  xFormat?: (value: number) => string;
  tall?: boolean;
  /** The x values are epoch milliseconds (ticks on whole minutes) rather than counts such as steps. */
  xIsTime?: boolean;
}

const clock = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const clockSeconds = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A small line chart in the console's colours; animation is off because live data re-renders it often. */
/** Round ticks over the rows' x range: whole clock units for times, whole 1-2-5 steps otherwise. */
function xTicksOf(rows: Props['rows'], xKey: string, xIsTime: boolean): number[] {
  const xs = rows.map((row) => row[xKey]).filter((x): x is number => typeof x === 'number');
  if (xs.length === 0) return [];
  const [min, max] = [Math.min(...xs), Math.max(...xs)];
  return xIsTime ? timeTicks(min, max) : roundTicks(min, max, 5, true);
}

export function LineChartBox({ title, rows, xKey, series, unit, domain, xFormat = clock, tall, xIsTime = xFormat === clock }: Props) {
  const xTicks = useMemo(() => xTicksOf(rows, xKey, xIsTime), [rows, xKey, xIsTime]);
  // Ticks less than a minute apart need seconds, or two ticks read the same time.
  const tickFormat = xIsTime && xTicks.length > 1 && xTicks[1] - xTicks[0] < 60_000 ? clockSeconds : xFormat;
  return (
    <div className="chart-card" data-testid={`chart-${title}`}>
      <h3>{title}</h3>
      <div className={`chart-box ${tall ? 'tall' : ''}`}>
        {rows.length === 0 ? (
          <div className="empty small">No samples yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 6, right: 10, bottom: 0, left: -12 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey={xKey}
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={tickFormat}
                ticks={xTicks}
                interval="preserveStartEnd"
                allowDecimals={false}
                stroke="var(--muted)"
                fontSize={11}
                tickLine={false}
                minTickGap={28}
              />
              <YAxis domain={domain ?? ['auto', 'auto']} stroke="var(--muted)" fontSize={11} tickLine={false} unit={unit} width={58} tickFormatter={formatTickValue} />
              <Tooltip
                labelFormatter={(value) => xFormat(Number(value))}
                contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12 }}
                formatter={(value) => (typeof value === 'number' ? `${Number(value.toPrecision(4))}${unit ?? ''}` : String(value))}
              />
              {series.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} iconSize={8} />}
              {series.map((s, i) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={CHART_COLORS[i % CHART_COLORS.length]}
                  strokeWidth={1.8}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                  type="monotone"
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}
