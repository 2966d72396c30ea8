import { describe, expect, it } from 'vitest';
import { appendPoints, chartRows, type GpuPoint } from '../../../src/renderer/src/logic/series';
import { useTelemetry } from '../../../src/renderer/src/stores/telemetry';

const point = (index: number, at: number, util: number): GpuPoint => ({
  index, at, utilization_pct: util, memory_used_mb: 1000, memory_total_mb: 2000, temperature_c: 50, power_w: 100,
});

describe('GPU series', () => {
  it('appends newer points only and drops those older than the window', () => {
    const series = [point(0, 1000, 1), point(0, 2000, 2)];
    const next = appendPoints(series, [point(0, 2000, 9), point(0, 3000, 3)], 3000, 1500);
    expect(next.map((p) => p.at)).toEqual([2000, 3000]);
    expect(next[0].utilization_pct).toBe(2);
  });
  it('keeps at most the cap, newest last', () => {
    const many = Array.from({ length: 10 }, (_, i) => point(0, i * 1000, i));
    expect(appendPoints([], many, 10_000, 60_000, 3).map((p) => p.at)).toEqual([7000, 8000, 9000]);
  });
  it('lines up GPUs of one heartbeat on one chart row', () => {
    const rows = chartRows(new Map([[0, [point(0, 1000, 10)]], [1, [point(1, 1200, 20)]]]), (p) => p.utilization_pct);
    expect(rows).toEqual([{ at: 1000, gpu0: 10, gpu1: 20 }]);
  });
});

describe('the telemetry store', () => {
  it('adds live gpu messages to the series and the latest sample, keeping known job placement', () => {
    useTelemetry.setState({ series: {}, latest: { 'w1:0': { ...point(0, 0, 0), worker_id: 'w1', jobs: [12] } } });
    const sample = { index: 0, uuid: null, model: 'H100', utilization_pct: 77, memory_used_mb: 10, memory_total_mb: 80, temperature_c: 60, power_w: 300, power_limit_w: 700 };
    useTelemetry.getState().applyGpu({ worker_id: 'w1', at: 5000, samples: [sample] }, 5000);
    const state = useTelemetry.getState();
    expect(state.series.w1.get(0)?.map((p) => p.utilization_pct)).toEqual([77]);
    expect(state.latest['w1:0']).toMatchObject({ utilization_pct: 77, jobs: [12] });
  });
});
