import type { CoreContext } from '../context';
import type { RecordedPoint } from './metricSummaries';

interface EpochBatch {
  name: string;
  epoch: number;
  points: number;
  total: number;
  low: number;
  high: number;
  last: RecordedPoint;
}

/** The batch's points with an epoch, folded per name and epoch in the order recorded. */
function foldEpochs(points: readonly RecordedPoint[]): EpochBatch[] {
  const byKey = new Map<string, EpochBatch>();
  for (const point of points) {
    if (point.epoch === null) continue;
    const key = `${point.epoch}\0${point.name}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { name: point.name, epoch: point.epoch, points: 1, total: point.value, low: point.value, high: point.value, last: point });
      continue;
    }
    seen.points++;
    seen.total += point.value;
    seen.low = Math.min(seen.low, point.value);
    seen.high = Math.max(seen.high, point.value);
    seen.last = point;
  }
  return [...byKey.values()];
}

/**
 * Keeps metric_epochs (count, sum, extremes and last point per job, name and epoch, over every
 * attempt) in step with the points just inserted, inside the caller's transaction: one upsert per
 * name and epoch of the batch, so `?by=epoch` reads one row per epoch instead of every point. A
 * batch's points are the newest the job has, so its last point of an epoch is that epoch's last.
 */
export function updateEpochSummaries(ctx: CoreContext, jobId: number, attempt: number, points: readonly RecordedPoint[]): void {
  const upsert = ctx.sql(
    `INSERT INTO metric_epochs (job_id, name, epoch, points, total, low, high, last_attempt, last_step, last_value, last_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (job_id, name, epoch) DO UPDATE SET points = points + excluded.points, total = total + excluded.total,
       low = MIN(low, excluded.low), high = MAX(high, excluded.high), last_attempt = excluded.last_attempt,
       last_step = excluded.last_step, last_value = excluded.last_value, last_at = excluded.last_at`,
  );
  for (const e of foldEpochs(points)) upsert.run(jobId, e.name, e.epoch, e.points, e.total, e.low, e.high, attempt, e.last.step, e.last.value, e.last.at);
}
