/**
 * GPU telemetry history, bounded: raw samples for the last RAW_KEEP_MS, one-minute averages for
 * MINUTE_KEEP_MS. Each new sample also folds into its minute's average (a running mean), so
 * pruning raw rows never loses the longer view.
 */
import type { GpuSample } from '../../shared';
import type { GpuHistoryPoint, GpuNow } from '../../shared';
import type { CoreContext } from '../context';

const MINUTE = 60_000;
export const RAW_KEEP_MS = 15 * MINUTE;
export const MINUTE_KEEP_MS = 24 * 60 * MINUTE;

const FIELDS = ['utilization_pct', 'memory_used_mb', 'memory_total_mb', 'temperature_c', 'power_w'] as const;

export function recordGpuSamples(ctx: CoreContext, workerId: string, samples: GpuSample[]): void {
  if (samples.length === 0) return;
  ctx.tx(() => {
    const now = ctx.now();
    const minute = Math.floor(now / MINUTE) * MINUTE;
    for (const s of samples) {
      const values = FIELDS.map((f) => s[f]);
      ctx.sql(`INSERT INTO gpu_samples (worker_id, gpu_index, at, bucket_ms, utilization_pct, memory_used_mb, memory_total_mb, temperature_c, power_w)
        VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)`).run(workerId, s.index, now, ...values);
      const bucket = ctx.sql('SELECT rowid, n, utilization_pct, memory_used_mb, memory_total_mb, temperature_c, power_w FROM gpu_samples WHERE worker_id = ? AND gpu_index = ? AND bucket_ms = ? AND at = ?')
        .get(workerId, s.index, MINUTE, minute) as (Record<(typeof FIELDS)[number], number | null> & { rowid: number; n: number }) | undefined;
      if (!bucket) {
        ctx.sql(`INSERT INTO gpu_samples (worker_id, gpu_index, at, bucket_ms, utilization_pct, memory_used_mb, memory_total_mb, temperature_c, power_w)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(workerId, s.index, minute, MINUTE, ...values);
        continue;
      }
      const mean = FIELDS.map((f, i) => {
        const old = bucket[f];
        const value = values[i];
        if (value === null) return old;
        return old === null ? value : old + (value - old) / (bucket.n + 1);
      });
      ctx.sql('UPDATE gpu_samples SET n = n + 1, utilization_pct = ?, memory_used_mb = ?, memory_total_mb = ?, temperature_c = ?, power_w = ? WHERE rowid = ?')
        .run(...mean, bucket.rowid);
    }
    ctx.sql('DELETE FROM gpu_samples WHERE worker_id = ? AND bucket_ms = 0 AND at < ?').run(workerId, now - RAW_KEEP_MS);
    ctx.sql('DELETE FROM gpu_samples WHERE worker_id = ? AND bucket_ms = ? AND at < ?').run(workerId, MINUTE, now - MINUTE_KEEP_MS);
  });
}

/** Minute averages before the raw window, raw samples inside it, oldest first. */
export function gpuHistory(ctx: CoreContext, workerId: string, sinceMs = 0): GpuHistoryPoint[] {
  const rawFrom = ctx.now() - RAW_KEEP_MS;
  const columns = 'gpu_index AS "index", at, utilization_pct, memory_used_mb, memory_total_mb, temperature_c, power_w';
  const minutes = ctx.sql(`SELECT ${columns} FROM gpu_samples WHERE worker_id = ? AND bucket_ms = ? AND at >= ? AND at < ? ORDER BY at, gpu_index`)
    .all(workerId, MINUTE, sinceMs, Math.floor(rawFrom / MINUTE) * MINUTE) as GpuHistoryPoint[];
  const raw = ctx.sql(`SELECT ${columns} FROM gpu_samples WHERE worker_id = ? AND bucket_ms = 0 AND at >= ? ORDER BY at, gpu_index`)
    .all(workerId, Math.max(sinceMs, Math.floor(rawFrom / MINUTE) * MINUTE)) as GpuHistoryPoint[];
  return [...minutes, ...raw];
}

/** The newest raw sample of every GPU, with the jobs holding it now. */
export function latestGpuSamples(ctx: CoreContext): GpuNow[] {
  const rows = ctx.sql(`SELECT s.worker_id, s.gpu_index AS "index", s.at, s.utilization_pct, s.memory_used_mb, s.memory_total_mb, s.temperature_c, s.power_w
    FROM gpu_samples s JOIN (SELECT worker_id, gpu_index, MAX(at) AS at FROM gpu_samples WHERE bucket_ms = 0 GROUP BY worker_id, gpu_index) m
      ON m.worker_id = s.worker_id AND m.gpu_index = s.gpu_index AND m.at = s.at
    JOIN workers w ON w.id = s.worker_id AND w.state <> 'offline'
    WHERE s.bucket_ms = 0 ORDER BY s.worker_id, s.gpu_index`).all() as Array<GpuHistoryPoint & { worker_id: string }>;
  const open = ctx.sql('SELECT job_id, worker_id, gpus FROM attempts WHERE finished_at IS NULL').all() as Array<{ job_id: number; worker_id: string; gpus: string }>;
  return rows.map((row) => ({
    ...row,
    jobs: open.filter((a) => a.worker_id === row.worker_id && (JSON.parse(a.gpus) as Array<{ index: number }>).some((g) => g.index === row.index)).map((a) => a.job_id),
  }));
}
