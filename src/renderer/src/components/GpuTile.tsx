import type { LatestGpu } from '../stores/telemetry';
import { Link } from '../router';
import { formatMb } from '../logic/format';

/** One GPU at a glance: how busy, how full, how hot, and whose job is on it. */
export function GpuTile({ gpu, model, workerName }: { gpu: LatestGpu; model: string; workerName: string }) {
  const util = gpu.utilization_pct;
  const memPct = gpu.memory_used_mb !== null && gpu.memory_total_mb ? (gpu.memory_used_mb / gpu.memory_total_mb) * 100 : null;
  return (
    <div className="gpu-tile" data-testid="gpu-tile">
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 6 }}>
        <strong className="cell">
          {workerName} · GPU {gpu.index}
        </strong>
        <span className="subtle">{gpu.temperature_c !== null ? `${Math.round(gpu.temperature_c)}°C` : ''}</span>
      </div>
      <span className="subtle cell" title={model}>
        {model || 'GPU'}
      </span>
      <div className="util">{util !== null ? `${Math.round(util)}%` : '—'}</div>
      <div className={`meter ${util !== null && util > 90 ? 'hot' : ''}`} title="Utilisation">
        <div style={{ width: `${util ?? 0}%` }} />
      </div>
      <span className="subtle">
        {formatMb(gpu.memory_used_mb)} / {formatMb(gpu.memory_total_mb)}
        {gpu.power_w !== null && ` · ${Math.round(gpu.power_w)} W`}
      </span>
      <div className="meter" title="Memory">
        <div style={{ width: `${memPct ?? 0}%` }} />
      </div>
      <span>
        {gpu.jobs.length === 0 ? (
          <span className="subtle">idle</span>
        ) : (
          gpu.jobs.map((id) => (
            <Link key={id} to={`/jobs/${id}`} style={{ marginRight: 6 }}>
              #{id}
            </Link>
          ))
        )}
      </span>
    </div>
  );
}
