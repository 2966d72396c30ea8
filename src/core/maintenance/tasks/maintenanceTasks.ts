/**
 * Maintenance on demand: each request becomes a tracked task row (running → succeeded | failed)
 * that callers poll. Nothing here runs by itself. A task left running by a coordinator that
 * stopped is marked failed at the next open. One task of a kind runs at a time.
 */
import { ConflictError, MaintenanceRequest, NotFoundError, parseOrThrow, type MaintenanceKind, type MaintenanceResult, type MaintenanceTask } from '../../../shared';
import type { CoreContext } from '../../context';
import { pruneJobs } from '../../queue/transitions/pruneJobs';
import { checkHealth } from './checkHealth';
import { dataDirStats } from './dataDirStats';
import { removeOrphans } from './removeOrphans';

const DAY = 86_400_000;

interface TaskRow {
  id: number;
  kind: MaintenanceKind;
  params: string;
  state: MaintenanceTask['state'];
  result: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

const toTask = (row: TaskRow): MaintenanceTask => ({
  ...row,
  params: JSON.parse(row.params) as Record<string, unknown>,
  result: row.result === null ? null : (JSON.parse(row.result) as MaintenanceResult),
});

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function runTask(ctx: CoreContext, request: ReturnType<typeof MaintenanceRequest.parse>): Promise<MaintenanceResult> {
  switch (request.kind) {
    case 'prune': {
      const counts = pruneJobs(ctx, ctx.now() - request.older_than_days * DAY, request.dry_run);
      const verb = request.dry_run ? 'would remove' : 'removed';
      return { summary: `${verb} ${counts.jobs} finished job(s) older than ${request.older_than_days}d: ${counts.attempts} attempt(s), ${counts.metrics} metric point(s), ${mb(counts.log_bytes)} of logs`, counts: { ...counts }, checks: [] };
    }
    case 'orphans': {
      const counts = removeOrphans(ctx, request.dry_run);
      const verb = request.dry_run ? 'would remove' : 'removed';
      return { summary: `${verb} ${counts.log_files} orphan log file(s) (${counts.job_dirs} job folder(s), ${mb(counts.bytes)})`, counts: { ...counts }, checks: [] };
    }
    case 'health': {
      const checks = await checkHealth(ctx, request.thresholds);
      const tally = (status: string) => checks.filter((c) => c.status === status).length;
      return { summary: `${tally('ok')} ok, ${tally('warn')} warn, ${tally('fail')} fail`, counts: { ok: tally('ok'), warn: tally('warn'), fail: tally('fail') }, checks };
    }
    case 'stats': {
      const counts = dataDirStats(ctx);
      return { summary: `${counts.rows_jobs} job(s); database ${mb(counts.database_bytes)}, WAL ${mb(counts.wal_bytes)}, logs ${mb(counts.log_bytes)}`, counts, checks: [] };
    }
  }
}

export function getMaintenanceTask(ctx: CoreContext, id: number): MaintenanceTask {
  const row = ctx.sql('SELECT * FROM maintenance_tasks WHERE id = ?').get(id) as TaskRow | undefined;
  if (!row) throw new NotFoundError(`maintenance task ${id} does not exist`, 'id');
  return toTask(row);
}

/** The newest tasks first; the Settings panel shows the last of each kind. */
export function listMaintenanceTasks(ctx: CoreContext, limit = 50): MaintenanceTask[] {
  return (ctx.sql('SELECT * FROM maintenance_tasks ORDER BY id DESC LIMIT ?').all(limit) as TaskRow[]).map(toTask);
}

export function failAbandonedTasks(ctx: CoreContext): void {
  ctx.sql("UPDATE maintenance_tasks SET state = 'failed', error = 'the coordinator stopped while it ran', finished_at = ? WHERE state = 'running'").run(ctx.now());
}

/** Records the task as running and returns it; the work starts on the next turn of the event loop. */
export function startMaintenanceTask(ctx: CoreContext, input: unknown): MaintenanceTask {
  const request = parseOrThrow(MaintenanceRequest, input);
  const { kind, ...params } = request;
  const id = ctx.tx(() => {
    if (ctx.sql("SELECT 1 FROM maintenance_tasks WHERE kind = ? AND state = 'running'").get(kind)) throw new ConflictError(`a ${kind} task is running already`, 'kind');
    return Number(ctx.sql("INSERT INTO maintenance_tasks (kind, params, state, started_at) VALUES (?, ?, 'running', ?)").run(kind, JSON.stringify(params), ctx.now()).lastInsertRowid);
  });
  const finish = (state: 'succeeded' | 'failed', result: MaintenanceResult | null, error: string | null) => {
    if (!ctx.db.open) return;
    ctx.sql('UPDATE maintenance_tasks SET state = ?, result = ?, error = ?, finished_at = ? WHERE id = ?').run(state, result && JSON.stringify(result), error, ctx.now(), id);
  };
  setImmediate(() => {
    runTask(ctx, request).then(
      (result) => finish('succeeded', result, null),
      (error: unknown) => finish('failed', null, error instanceof Error ? error.message : String(error)),
    );
  });
  return getMaintenanceTask(ctx, id);
}
