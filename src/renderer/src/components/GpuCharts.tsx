import { useEffect, useMemo } from 'react';
import { useTelemetry } from '../stores/telemetry';
import { chartRows, type GpuPoint } from '../logic/series';
import { toastError } from '../stores/toasts';
import { LineChartBox } from './LineChartBox';

const EMPTY: ReadonlyMap<number, GpuPoint[]> = new Map();

/** Utilisation, memory and power of a worker's GPUs over the last hour: history once, then live samples. */
export function GpuCharts({ workerId, gpuCount }: { workerId: string; gpuCount: number }) {
  const series = useTelemetry((s) => s.series[workerId] ?? EMPTY);
  useEffect(() => {
    useTelemetry.getState().loadHistory(workerId).catch((e) => toastError(e, 'GPU history'));
  }, [workerId]);
  const asMap = series as Map<number, GpuPoint[]>;
  const util = useMemo(() => chartRows(asMap, (p) => p.utilization_pct), [asMap]);
  const memory = useMemo(() => chartRows(asMap, (p) => (p.memory_used_mb === null ? null : p.memory_used_mb / 1024)), [asMap]);
  const power = useMemo(() => chartRows(asMap, (p) => p.power_w), [asMap]);
  const indices = [...new Set([...asMap.keys(), ...Array.from({ length: gpuCount }, (_, i) => i)])].sort((a, b) => a - b);
  const lines = indices.map((i) => ({ key: `gpu${i}`, label: `GPU ${i}` }));
  return (
    <div className="charts" data-testid={`gpu-charts-${workerId}`}>
      <LineChartBox title="Utilisation" rows={util} xKey="at" series={lines} unit="%" domain={[0, 100]} />
      <LineChartBox title="Memory used" rows={memory} xKey="at" series={lines} unit=" GB" domain={[0, 'auto']} />
      <LineChartBox title="Power" rows={power} xKey="at" series={lines} unit=" W" domain={[0, 'auto']} />
    </div>
  );
}
