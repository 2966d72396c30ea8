import { useMemo } from 'react';
import { useTelemetry } from '../stores/telemetry';
import { useWorkers } from '../stores/workers';
import { GpuTile } from './GpuTile';

/** Every GPU known, optionally of one worker, newest sample first filled in by the live `gpu` messages. */
export function GpuGrid({ workerId }: { workerId?: string }) {
  const latest = useTelemetry((s) => s.latest);
  const workers = useWorkers((s) => s.workers);
  const byId = useMemo(() => new Map(workers.map((w) => [w.id, w])), [workers]);
  const gpus = Object.values(latest)
    .filter((g) => !workerId || g.worker_id === workerId)
    .sort((a, b) => a.worker_id.localeCompare(b.worker_id) || a.index - b.index);
  if (gpus.length === 0) return null;
  return (
    <div className="gpu-grid">
      {gpus.map((gpu) => {
        const worker = byId.get(gpu.worker_id);
        return (
          <GpuTile
            key={`${gpu.worker_id}:${gpu.index}`}
            gpu={gpu}
            workerName={worker?.name ?? gpu.worker_id}
            model={worker?.gpus.find((g) => g.index === gpu.index)?.model ?? ''}
          />
        );
      })}
    </div>
  );
}
