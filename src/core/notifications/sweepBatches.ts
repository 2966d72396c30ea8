/**
 * Which sweeps are done, kept in the database (sweep_batches) so a coordinator restart neither
 * loses nor doubles a sweep-done notification. A sweep (or batch) is two or more jobs of one project
 * submitted in one call: the coordinator writes them in one transaction, so they share created_at.
 * Counts move with the queue's events, which the notifier applies exactly once (its cursor is
 * written in the same transaction); a batch row goes once it is done.
 */
import type { QueueEvent } from '../../shared';
import type { CoreContext } from '../context';

export interface SweepDone {
  project: string;
  jobs: number;
  failed: number;
}

interface BatchKey {
  project_id: number;
  created_at: number;
}

function batchOfJob(ctx: CoreContext, jobId: number | null): BatchKey | null {
  if (jobId === null) return null;
  return (ctx.sql('SELECT project_id, created_at FROM jobs WHERE id = ?').get(jobId) as BatchKey | undefined) ?? null;
}

function submitted(ctx: CoreContext, event: QueueEvent): void {
  const project = typeof event.data.project === 'string' ? event.data.project : null;
  const createdAt = typeof event.data.created_at === 'number' ? event.data.created_at : event.at;
  const row = project === null ? undefined : (ctx.sql('SELECT id FROM projects WHERE name = ?').get(project) as { id: number } | undefined);
  if (!row) return;
  // A job submitted blocked (a dependency had failed) has ended already, without success.
  const ended = event.data.state === 'blocked' ? 1 : 0;
  ctx.sql(`INSERT INTO sweep_batches (project_id, created_at, jobs, open, failed) VALUES (?, ?, 1, ?, ?)
    ON CONFLICT (project_id, created_at) DO UPDATE SET jobs = jobs + 1, open = open + excluded.open, failed = failed + excluded.failed`)
    .run(row.id, createdAt, 1 - ended, ended);
}

/** A job of a batch ended; returns the sweep when that was its last open job. */
function ended(ctx: CoreContext, event: QueueEvent, failed: boolean): SweepDone | null {
  const key = batchOfJob(ctx, event.job_id);
  if (!key) return null;
  const row = ctx.sql(`UPDATE sweep_batches SET open = open - 1, failed = failed + ? WHERE project_id = ? AND created_at = ? AND open > 0
    RETURNING jobs, open, failed`).get(failed ? 1 : 0, key.project_id, key.created_at) as { jobs: number; open: number; failed: number } | undefined;
  if (!row || row.open > 0) return null;
  // Done: forget it (a later retry of one of its jobs is not a new sweep).
  ctx.sql('DELETE FROM sweep_batches WHERE project_id = ? AND created_at = ?').run(key.project_id, key.created_at);
  return row.jobs < 2 ? null : { project: ctx.projectName(key.project_id), jobs: row.jobs, failed: row.failed };
}

/** A job that had ended without success is pending again (retried, or unblocked by a dependency's retry). */
function reopened(ctx: CoreContext, event: QueueEvent): void {
  const key = batchOfJob(ctx, event.job_id);
  if (key) ctx.sql('UPDATE sweep_batches SET open = open + 1, failed = MAX(0, failed - 1) WHERE project_id = ? AND created_at = ?').run(key.project_id, key.created_at);
}

/**
 * Applies one event to the batches (inside the notifier's transaction); returns the sweep it
 * finished, if any. A cancel of a job that was blocked already ended once, when it was blocked.
 */
export function applySweepEvent(ctx: CoreContext, event: QueueEvent): SweepDone | null {
  switch (event.type) {
    case 'job.submitted':
      submitted(ctx, event);
      return null;
    case 'job.retried':
    case 'job.unblocked':
      reopened(ctx, event);
      return null;
    case 'job.succeeded':
      return ended(ctx, event, false);
    case 'job.cancelled':
      return event.data.from === 'blocked' ? null : ended(ctx, event, true);
    case 'job.failed':
    case 'job.blocked':
      return ended(ctx, event, true);
    default:
      return null;
  }
}
