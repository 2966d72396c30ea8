/**
 * removeJob / clearPending — delete jobs with their attempts, tags, metrics and log files.
 * removeJob refuses (ConflictError) a running job (cancel it first) and a job others depend on
 * (the message names them). clearPending removes a project's waiting, queued and blocked jobs at once.
 * Events: job.removed per job.
 */
import { rmSync } from 'node:fs';
import { ConflictError, NotFoundError } from '../../../shared';
import type { CoreContext } from '../../context';
import { logDir } from '../../logs/logFiles';
import { requireJobRow } from '../jobRows';

export function deleteJob(ctx: CoreContext, jobId: number): void {
  ctx.sql('DELETE FROM job_deps WHERE depends_on = ?').run(jobId);
  ctx.sql('DELETE FROM jobs WHERE id = ?').run(jobId);
  ctx.emit('job.removed', jobId, null);
}

export function removeJob(ctx: CoreContext, jobId: number): void {
  ctx.tx(() => {
    const job = requireJobRow(ctx, jobId);
    const open = ctx.sql('SELECT 1 FROM attempts WHERE job_id = ? AND finished_at IS NULL').get(jobId);
    if (job.state === 'running' || open) throw new ConflictError(`job ${jobId} is running; cancel it and wait for it to stop before removing it`, 'state');
    const dependents = ctx.sql('SELECT job_id FROM job_deps WHERE depends_on = ? LIMIT 5').all(jobId) as Array<{ job_id: number }>;
    if (dependents.length > 0) {
      throw new ConflictError(`job ${jobId} is a dependency of job ${dependents.map((d) => d.job_id).join(', ')}; remove those first`, 'id');
    }
    deleteJob(ctx, jobId);
  });
  rmSync(logDir(ctx.dataDir, jobId), { recursive: true, force: true });
}

export function clearPending(ctx: CoreContext, project: string): number {
  const ids = ctx.tx(() => {
    const row = ctx.sql('SELECT id FROM projects WHERE name = ?').get(project) as { id: number } | undefined;
    if (!row) throw new NotFoundError(`project "${project}" does not exist`, 'project');
    const pending = ctx.sql("SELECT id FROM jobs WHERE project_id = ? AND state IN ('waiting', 'queued', 'blocked')").all(row.id) as Array<{ id: number }>;
    for (const { id } of pending) deleteJob(ctx, id);
    return pending.map((p) => p.id);
  });
  for (const id of ids) rmSync(logDir(ctx.dataDir, id), { recursive: true, force: true });
  return ids.length;
}
