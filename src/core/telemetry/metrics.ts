import { MetricPoint, NotFoundError, parseOrThrow } from '../../shared';
import { z } from 'zod';
import type { MetricRow } from '../../shared';
import type { CoreContext } from '../context';
import { updateEpochSummaries } from '../metrics/epochSummaries';
import { updateMetricSummaries } from '../metrics/metricSummaries';

const Points = z.array(MetricPoint).max(10_000);

/** Stores training metrics reported by a job (REST or `::metric` lines parsed by the agent). */
export function recordMetrics(ctx: CoreContext, jobId: number, attempt: number, input: unknown): number {
  const points = parseOrThrow(Points, input, 'points');
  return ctx.tx(() => {
    if (!ctx.sql('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) throw new NotFoundError(`job ${jobId} does not exist`, 'id');
    const now = ctx.now();
    const recorded = points.map((p) => ({ name: p.name, step: p.step, epoch: p.epoch, value: p.value, at: p.at ?? now }));
    const insert = ctx.sql('INSERT INTO metrics (job_id, attempt, step, name, value, at, epoch) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const p of recorded) insert.run(jobId, attempt, p.step, p.name, p.value, p.at, p.epoch);
    updateMetricSummaries(ctx, jobId, attempt, recorded);
    updateEpochSummaries(ctx, jobId, attempt, recorded);
    return points.length;
  });
}

export function listMetrics(ctx: CoreContext, jobId: number, name?: string): MetricRow[] {
  return ctx
    .sql('SELECT attempt, step, name, value, at, epoch FROM metrics WHERE job_id = ? AND (? IS NULL OR name = ?) ORDER BY name, attempt, step, rowid')
    .all(jobId, name ?? null, name ?? null) as MetricRow[];
}
