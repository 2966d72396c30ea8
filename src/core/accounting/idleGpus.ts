/**
 * detectIdleGpus — flags attempts that hold a GPU nobody is using.
 * Rule: the attempt has run for the whole window (default 15 minutes), the GPU has samples in it,
 * the newest no older than FRESH_MS, and none above the threshold (default 2 %). Raw samples cover
 * the last 15 minutes and one-minute averages the day before, so both are read: an average never
 * exceeds the samples it folds, so a window is idle exactly when every point in it is.
 * Out: gpu_idle_spans rows, opened when a GPU is first seen idle (dated from the window's start),
 * extended while it stays idle, closed when it is busy again or the attempt ends.
 * Events: attempt.idle_gpu when a span opens.
 */
import type { IdleGpu } from '../../shared';
import type { CoreContext } from '../context';

export interface IdleRule {
  thresholdPct: number;
  windowMs: number;
}

export const DEFAULT_IDLE_RULE: IdleRule = { thresholdPct: 2, windowMs: 15 * 60_000 };
/** A GPU whose agent stopped reporting is unknown, not idle. */
const FRESH_MS = 2 * 60_000;
const MINUTE = 60_000;

interface OpenGpuAttempt {
  job_id: number;
  attempt: number;
  worker_id: string;
  started_at: number;
  gpus: string;
}

function windowIsIdle(ctx: CoreContext, workerId: string, gpu: number, from: number, rule: IdleRule): boolean {
  const seen = ctx.sql(`SELECT MAX(utilization_pct) AS peak, MAX(at) AS latest, COUNT(utilization_pct) AS n FROM gpu_samples
    WHERE worker_id = ? AND bucket_ms IN (0, ?) AND gpu_index = ? AND at >= ?`).get(workerId, MINUTE, gpu, from) as { peak: number | null; latest: number | null; n: number };
  return seen.n > 0 && seen.peak !== null && seen.peak <= rule.thresholdPct && seen.latest !== null && seen.latest >= ctx.now() - FRESH_MS;
}

function trackGpu(ctx: CoreContext, a: OpenGpuAttempt, gpu: number, rule: IdleRule): void {
  const now = ctx.now();
  const from = now - rule.windowMs;
  const idle = a.started_at <= from && windowIsIdle(ctx, a.worker_id, gpu, from, rule);
  const open = ctx.sql('SELECT idle_since FROM gpu_idle_spans WHERE job_id = ? AND attempt = ? AND gpu_index = ? AND open = 1').get(a.job_id, a.attempt, gpu) as
    | { idle_since: number }
    | undefined;
  if (idle && open) {
    ctx.sql('UPDATE gpu_idle_spans SET idle_until = ? WHERE job_id = ? AND attempt = ? AND gpu_index = ? AND idle_since = ?').run(now, a.job_id, a.attempt, gpu, open.idle_since);
  } else if (idle) {
    ctx.sql('INSERT INTO gpu_idle_spans (job_id, attempt, gpu_index, worker_id, idle_since, idle_until) VALUES (?, ?, ?, ?, ?, ?)').run(a.job_id, a.attempt, gpu, a.worker_id, from, now);
    ctx.emit('attempt.idle_gpu', a.job_id, a.worker_id, { attempt: a.attempt, gpu, idle_since: from, threshold_pct: rule.thresholdPct, minutes: rule.windowMs / MINUTE });
  } else if (open) {
    ctx.sql('UPDATE gpu_idle_spans SET open = 0 WHERE job_id = ? AND attempt = ? AND gpu_index = ? AND idle_since = ?').run(a.job_id, a.attempt, gpu, open.idle_since);
  }
}

/** Returns how many GPUs are idle now. */
export function detectIdleGpus(ctx: CoreContext, rule: IdleRule): number {
  return ctx.tx(() => {
    const open = ctx.sql("SELECT job_id, attempt, worker_id, started_at, gpus FROM attempts WHERE finished_at IS NULL AND gpus <> '[]'").all() as OpenGpuAttempt[];
    for (const a of open) for (const { index } of JSON.parse(a.gpus) as Array<{ index: number }>) trackGpu(ctx, a, index, rule);
    ctx.sql(`UPDATE gpu_idle_spans SET open = 0 WHERE open = 1 AND NOT EXISTS
      (SELECT 1 FROM attempts a WHERE a.job_id = gpu_idle_spans.job_id AND a.attempt = gpu_idle_spans.attempt AND a.finished_at IS NULL)`).run();
    return (ctx.sql('SELECT COUNT(*) AS n FROM gpu_idle_spans WHERE open = 1').get() as { n: number }).n;
  });
}

/** GPUs idle right now, with their job and worker, longest idle first. */
export function listIdleGpus(ctx: CoreContext): IdleGpu[] {
  return ctx.sql(`SELECT s.job_id, s.attempt, j.name AS job_name, p.name AS project, COALESCE(w.name, s.worker_id) AS worker, s.gpu_index AS gpu, s.idle_since, s.idle_until
    FROM gpu_idle_spans s JOIN jobs j ON j.id = s.job_id JOIN projects p ON p.id = j.project_id LEFT JOIN workers w ON w.id = s.worker_id
    WHERE s.open = 1 ORDER BY s.idle_since, s.job_id, s.gpu_index`).all() as IdleGpu[];
}

