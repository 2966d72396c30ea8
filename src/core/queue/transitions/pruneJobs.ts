/**
 * pruneJobs — deletes finished jobs (succeeded, failed, cancelled, blocked) that ended before a
 * cutoff, with their attempts, tags, metrics, idle spans and log files.
 * Guards: a job that a kept job depends on stays, so no kept job loses a dependency it may need
 * on a retry. Deletes in batches, each its own transaction, so a big prune never holds the write
 * lock for long. A dry run counts what would go and deletes nothing.
 * Events: job.removed per job.
 */
import { rmSync } from 'node:fs';
import type { CoreContext } from '../../context';
import { logDir } from '../../logs/logFiles';
import { deleteJob } from './removeJobs';

const BATCH = 1_000;

export interface PruneCounts {
  jobs: number;
  attempts: number;
  metrics: number;
  log_bytes: number;
}

const PRUNABLE = `FROM jobs j WHERE j.state IN ('succeeded', 'failed', 'cancelled', 'blocked') AND j.finished_at < ?
  AND NOT EXISTS (SELECT 1 FROM job_deps d JOIN jobs k ON k.id = d.job_id WHERE d.depends_on = j.id AND (k.finished_at IS NULL OR k.finished_at >= ?))`;

function countBatch(ctx: CoreContext, ids: number[]): Omit<PruneCounts, 'jobs'> {
  const list = ids.join(',');
  const attempts = ctx.sql(`SELECT COUNT(*) AS n, COALESCE(SUM(log_bytes), 0) AS bytes FROM attempts WHERE job_id IN (${list})`).get() as { n: number; bytes: number };
  const metrics = ctx.sql(`SELECT COUNT(*) AS n FROM metrics WHERE job_id IN (${list})`).get() as { n: number };
  return { attempts: attempts.n, metrics: metrics.n, log_bytes: attempts.bytes };
}

export function pruneJobs(ctx: CoreContext, finishedBefore: number, dryRun: boolean): PruneCounts {
  const counts: PruneCounts = { jobs: 0, attempts: 0, metrics: 0, log_bytes: 0 };
  let after = 0;
  for (;;) {
    const ids = (ctx.sql(`SELECT j.id ${PRUNABLE} AND j.id > ? ORDER BY j.id LIMIT ?`).all(finishedBefore, finishedBefore, after, BATCH) as Array<{ id: number }>).map((r) => r.id);
    if (ids.length === 0) return counts;
    after = ids[ids.length - 1];
    const batch = countBatch(ctx, ids);
    counts.jobs += ids.length;
    counts.attempts += batch.attempts;
    counts.metrics += batch.metrics;
    counts.log_bytes += batch.log_bytes;
    if (dryRun) continue;
    ctx.tx(() => {
      for (const id of ids) deleteJob(ctx, id);
    });
    for (const id of ids) rmSync(logDir(ctx.dataDir, id), { recursive: true, force: true });
  }
}
