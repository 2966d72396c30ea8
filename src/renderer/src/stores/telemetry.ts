import { create } from 'zustand';
import type { QueueEvent } from '../../../shared';
import type { GpuMessage } from '../api/socket';
import { api } from '../api/client';
import { appendPoints, byGpu, SERIES_WINDOW_MS, type GpuPoint } from '../logic/series';

export interface LatestGpu extends GpuPoint {
  worker_id: string;
  jobs: number[];
}

interface TelemetryStore {
  /** worker id → GPU index → samples over the last hour. */
  series: Readonly<Record<string, ReadonlyMap<number, GpuPoint[]>>>;
  /** `${worker}:${index}` → the newest sample with the jobs placed on that GPU. */
  latest: Readonly<Record<string, LatestGpu>>;
  latestLoaded: boolean;
  loadHistory(workerId: string): Promise<void>;
  loadLatest(): Promise<void>;
  applyGpu(message: GpuMessage, now?: number): void;
  applyEvents(events: QueueEvent[]): void;
}

const gpuKey = (workerId: string, index: number) => `${workerId}:${index}`;

export const useTelemetry = create<TelemetryStore>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    series: {},
    latest: {},
    latestLoaded: false,
    async loadHistory(workerId) {
      const now = Date.now();
      const points = await api().call('gpuHistory', { params: { id: workerId }, query: { since: now - SERIES_WINDOW_MS } });
      set((s) => {
        const history = byGpu(points);
        // Live samples that arrived while the history was loading are newer: keep them after it.
        const live = s.series[workerId];
        const merged = new Map<number, GpuPoint[]>();
        for (const index of new Set([...history.keys(), ...(live?.keys() ?? [])])) {
          merged.set(index, appendPoints(history.get(index) ?? [], live?.get(index) ?? [], now));
        }
        return { series: { ...s.series, [workerId]: merged } };
      });
    },
    async loadLatest() {
      const gpus = await api().call('gpus');
      const latest: Record<string, LatestGpu> = {};
      for (const gpu of gpus) latest[gpuKey(gpu.worker_id, gpu.index)] = gpu;
      set({ latest, latestLoaded: true });
    },
    applyGpu(message, now = Date.now()) {
      set((s) => {
        const current = s.series[message.worker_id] ?? new Map<number, GpuPoint[]>();
        const next = new Map(current);
        const latest = { ...s.latest };
        for (const sample of message.samples) {
          const point: GpuPoint = {
            index: sample.index,
            at: message.at,
            utilization_pct: sample.utilization_pct,
            memory_used_mb: sample.memory_used_mb,
            memory_total_mb: sample.memory_total_mb,
            temperature_c: sample.temperature_c,
            power_w: sample.power_w,
          };
          next.set(sample.index, appendPoints(next.get(sample.index) ?? [], [point], now));
          const key = gpuKey(message.worker_id, sample.index);
          latest[key] = { ...point, worker_id: message.worker_id, jobs: s.latest[key]?.jobs ?? [] };
        }
        return { series: { ...s.series, [message.worker_id]: next }, latest };
      });
    },
    applyEvents(events) {
      // Which job sits on which GPU changes only when a job starts or stops.
      const placement = events.some((e) => ['job.claimed', 'job.succeeded', 'job.failed', 'job.cancelled', 'job.requeued', 'attempt.lost'].includes(e.type));
      if (!placement || timer) return;
      timer = setTimeout(() => {
        timer = null;
        // A failed refresh keeps the previous placement; the next start or stop refreshes it again.
        get().loadLatest().catch(() => undefined);
      }, 500);
    },
  };
});
