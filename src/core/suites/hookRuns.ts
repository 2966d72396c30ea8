/**
 * Hook runs reported by agents, and how each worker stands with a suite.
 * A setup that succeeds marks the worker set up (its claims then prefer the suite's jobs); one that
 * fails counts a strike and hands back the attempts that waited on it, without spending them
 * (loseAttempt, handed back); at SETUP_STRIKES the worker is banned: its claims skip the suite.
 * A cleanup marks it cleaned. Each run's output is kept under <dataDir>/suite-logs/<suite>/<run>.log.
 * Events: suite.hook (data: suite_id, hook, outcome), plus those of loseAttempt per hand-back.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GantryError, HookReport, NotFoundError, ValidationError, parseOrThrow, type HookRun, type SuiteHookEvent } from '../../shared';
import type { CoreContext } from '../context';
import { loseAttempt } from '../queue/transitions/loseAttempt';
import { requireSuiteRow } from './suiteRows';

/** Failed setups after which a worker stops serving a suite. */
export const SETUP_STRIKES = 3;

export function hookLogPath(dataDir: string, suiteId: number, runId: number): string {
  return join(dataDir, 'suite-logs', String(suiteId), `${runId}.log`);
}

function writeHookLog(dataDir: string, suiteId: number, runId: number, data: Buffer): void {
  mkdirSync(join(dataDir, 'suite-logs', String(suiteId)), { recursive: true, mode: 0o700 });
  const fd = openSync(hookLogPath(dataDir, suiteId, runId), 'w', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

function updateStanding(ctx: CoreContext, workerId: string, suiteId: number, hook: 'setup' | 'cleanup', ok: boolean): void {
  const now = ctx.now();
  ctx.sql("INSERT INTO suite_workers (suite_id, worker_id, state, updated_at) VALUES (?, ?, 'cleaned', ?) ON CONFLICT DO NOTHING").run(suiteId, workerId, now);
  if (hook === 'cleanup') {
    ctx.sql("UPDATE suite_workers SET state = 'cleaned', updated_at = ? WHERE suite_id = ? AND worker_id = ? AND state <> 'banned'").run(now, suiteId, workerId);
  } else if (ok) {
    ctx.sql("UPDATE suite_workers SET state = 'set_up', setups = setups + 1, updated_at = ? WHERE suite_id = ? AND worker_id = ?").run(now, suiteId, workerId);
  } else {
    ctx.sql(`UPDATE suite_workers SET setup_failures = setup_failures + 1, updated_at = ?,
      state = CASE WHEN setup_failures + 1 >= ? THEN 'banned' ELSE 'failed' END WHERE suite_id = ? AND worker_id = ?`).run(now, SETUP_STRIKES, suiteId, workerId);
  }
}

/** A failed setup hands back the attempts that waited on it: this worker's, of this suite, still running. */
function handBack(ctx: CoreContext, workerId: string, suiteId: number, attempts: Array<{ job_id: number; attempt: number }>): void {
  attempts.forEach(({ job_id, attempt }, index) => {
    const held = ctx.sql(`SELECT 1 FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.job_id = ? AND a.attempt = ? AND a.worker_id = ? AND j.suite_id = ?`)
      .get(job_id, attempt, workerId, suiteId);
    if (!held) throw new GantryError('forbidden', `handed_back.${index}: attempt ${attempt} of job ${job_id} is not held by this worker for suite ${suiteId}`, `handed_back.${index}`);
    loseAttempt(ctx, job_id, attempt, 'the setup of its suite failed on this worker', true);
  });
}

export function reportHook(ctx: CoreContext, workerId: string, input: unknown): HookRun {
  const report = parseOrThrow(HookReport, input);
  const log = Buffer.from(report.log_b64, 'base64');
  if (log.toString('base64') !== report.log_b64) throw new ValidationError('log_b64 is not valid base64', 'log_b64');
  return ctx.tx(() => {
    requireSuiteRow(ctx, report.suite_id, 'suite_id');
    const ok = report.outcome === 'succeeded';
    // Hand-backs first: a refused one leaves no run and no log behind.
    if (report.hook === 'setup' && !ok) handBack(ctx, workerId, report.suite_id, report.handed_back);
    const info = ctx.sql(`INSERT INTO suite_hook_runs (suite_id, worker_id, hook, outcome, exit_code, error, started_at, finished_at, log_bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(report.suite_id, workerId, report.hook, report.outcome, report.exit_code, report.error, report.started_at, report.finished_at, log.length);
    const runId = Number(info.lastInsertRowid);
    writeHookLog(ctx.dataDir, report.suite_id, runId, log);
    updateStanding(ctx, workerId, report.suite_id, report.hook, ok);
    ctx.emit('suite.hook', null, workerId, { suite_id: report.suite_id, hook: report.hook, outcome: report.outcome, run_id: runId } satisfies SuiteHookEvent);
    return requireHookRun(ctx, report.suite_id, runId);
  });
}

const HOOK_RUN_COLUMNS = `r.id, r.suite_id, r.worker_id, COALESCE(w.name, r.worker_id) AS worker_name, r.hook, r.outcome, r.exit_code, r.error,
  r.started_at, r.finished_at, r.log_bytes FROM suite_hook_runs r LEFT JOIN workers w ON w.id = r.worker_id`;

function requireHookRun(ctx: CoreContext, suiteId: number, runId: number): HookRun {
  const run = ctx.sql(`SELECT ${HOOK_RUN_COLUMNS} WHERE r.suite_id = ? AND r.id = ?`).get(suiteId, runId) as HookRun | undefined;
  if (!run) throw new NotFoundError(`suite ${suiteId} has no hook run ${runId}`, 'run');
  return run;
}

export function listHookRuns(ctx: CoreContext, ref: string | number): HookRun[] {
  const suite = requireSuiteRow(ctx, ref);
  return ctx.sql(`SELECT ${HOOK_RUN_COLUMNS} WHERE r.suite_id = ? ORDER BY r.id`).all(suite.id) as HookRun[];
}

export function readHookLog(ctx: CoreContext, ref: string | number, runId: number): Buffer {
  const suite = requireSuiteRow(ctx, ref);
  const run = requireHookRun(ctx, suite.id, runId);
  if (run.log_bytes === 0) return Buffer.alloc(0);
  return readFileSync(hookLogPath(ctx.dataDir, suite.id, runId)).subarray(0, run.log_bytes);
}

/**
 * Suites this worker set up and should now clean up: closed, with nothing left waiting or queued
 * (the agent itself waits for its own running jobs of them to end).
 */
export function releasedSuites(ctx: CoreContext, workerId: string): number[] {
  const rows = ctx.sql(`SELECT s.id FROM suite_workers sw JOIN suites s ON s.id = sw.suite_id
    WHERE sw.worker_id = ? AND sw.state = 'set_up' AND s.state = 'closed' AND s.waiting + s.queued = 0`).all(workerId) as Array<{ id: number }>;
  return rows.map((row) => row.id);
}

/** Which suites a claim by this worker skips (banned) and prefers (set up), in one read. */
export function suiteStanding(ctx: CoreContext, workerId: string): { banned: Set<number>; setUp: Set<number> } {
  const rows = ctx.sql("SELECT suite_id, state FROM suite_workers WHERE worker_id = ? AND state IN ('banned', 'set_up')").all(workerId) as Array<{ suite_id: number; state: string }>;
  const banned = new Set<number>();
  const setUp = new Set<number>();
  for (const row of rows) (row.state === 'banned' ? banned : setUp).add(row.suite_id);
  return { banned, setUp };
}
