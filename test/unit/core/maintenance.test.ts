import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../src/core';
import type { MaintenanceRequest, MaintenanceTask } from '../../../src/shared';
import { addWorker, openHarness, type Harness } from '../../support/coordinator';
import { waitFor } from '../../support/waitFor';

const DAY = 86_400_000;

let h: Harness;
beforeEach(() => {
  h = openHarness();
});
afterEach(() => h.cleanup());

/** Starts a task and waits (with a deadline) for it to leave `running`. */
async function runTask(c: Coordinator, request: MaintenanceRequest): Promise<MaintenanceTask> {
  const started = c.operations.startMaintenance(request);
  expect(started.state).toBe('running');
  return waitFor(() => {
    const task = c.operations.maintenanceTask(started.id);
    return task.state !== 'running' && task;
  }, `task ${started.id} to finish`, 10_000);
}

/** A job that ran on a worker, wrote a log line and ended as `outcome`. */
function finishedJob(outcome: 'succeeded' | 'failed', spec: { depends_on?: number[] } = {}): number {
  const job = h.c.submit({ command: ['true'], priority: 1_000_000, ...spec });
  const worker = addWorker(h.c, { name: `w-${job.id}` });
  const [claimed] = h.c.claim(worker, { max: 1 });
  h.c.appendLog(job.id, claimed.attempt, 0, Buffer.from('hello\n'));
  h.c.recordMetrics(job.id, claimed.attempt, [{ step: 1, name: 'loss', value: 1 }]);
  h.c.finish(job.id, { attempt: claimed.attempt, outcome, exit_code: outcome === 'succeeded' ? 0 : 1 });
  return job.id;
}

describe('maintenance: prune', () => {
  it('counts on a dry run and removes nothing', async () => {
    const old = finishedJob('succeeded');
    h.clock.advance(40 * DAY);
    const task = await runTask(h.c, { kind: 'prune', older_than_days: 30, dry_run: true });
    expect(task.state).toBe('succeeded');
    expect(task.result?.counts).toMatchObject({ jobs: 1, attempts: 1, metrics: 1, log_bytes: 6 });
    expect(task.result?.summary).toMatch(/^would remove 1 finished job/);
    expect(h.c.getJob(old).state).toBe('succeeded');
  });

  it('removes finished jobs older than the cutoff with their logs, and keeps young, unfinished and depended-on ones', async () => {
    const old = finishedJob('succeeded');
    const failedDep = finishedJob('failed');
    const blockedLater = h.c.submit({ command: ['true'], depends_on: [failedDep] });
    h.c.cancel(blockedLater.id);
    const queued = h.c.submit({ command: ['true'] });
    h.clock.advance(40 * DAY);
    const young = finishedJob('succeeded');
    const dependent = h.c.submit({ command: ['true'], depends_on: [failedDep] });
    const logDir = join(h.dataDir, 'logs', String(old));
    expect(existsSync(logDir)).toBe(true);

    const task = await runTask(h.c, { kind: 'prune', older_than_days: 30 });
    expect(task.result?.counts.jobs).toBe(2);
    expect(() => h.c.getJob(old)).toThrow(/does not exist/);
    expect(() => h.c.getJob(blockedLater.id)).toThrow(/does not exist/);
    expect(existsSync(logDir)).toBe(false);
    for (const kept of [failedDep, queued.id, young, dependent.id]) expect(h.c.getJob(kept).id).toBe(kept);
  });

  it('refuses a second task of a kind while one runs, naming the field', () => {
    h.c.operations.startMaintenance({ kind: 'stats' });
    expect(() => h.c.operations.startMaintenance({ kind: 'stats' })).toThrow(/stats task is running/);
  });

  it('refuses a bad request naming the field', () => {
    expect(() => h.c.operations.startMaintenance({ kind: 'prune', older_than_days: 0 })).toThrow(/older_than_days/);
  });
});

describe('maintenance: orphans, health, stats', () => {
  it('removes log folders of jobs that do not exist and logs of attempts that do not exist', async () => {
    const job = finishedJob('succeeded');
    mkdirSync(join(h.dataDir, 'logs', '999'), { recursive: true });
    writeFileSync(join(h.dataDir, 'logs', '999', '1.log'), 'gone\n');
    writeFileSync(join(h.dataDir, 'logs', String(job), '7.log'), 'no attempt 7\n');
    const dry = await runTask(h.c, { kind: 'orphans', dry_run: true });
    expect(dry.result?.counts).toEqual({ job_dirs: 1, log_files: 2, bytes: 18 });
    expect(existsSync(join(h.dataDir, 'logs', '999'))).toBe(true);

    const task = await runTask(h.c, { kind: 'orphans' });
    expect(task.result?.counts).toEqual({ job_dirs: 1, log_files: 2, bytes: 18 });
    expect(existsSync(join(h.dataDir, 'logs', '999'))).toBe(false);
    expect(existsSync(join(h.dataDir, 'logs', String(job), '7.log'))).toBe(false);
    expect(h.c.readLog(job, 1).data.toString()).toBe('hello\n');
  });

  it('checks health with ok, warn and fail against the thresholds given', async () => {
    const task = await runTask(h.c, { kind: 'health', thresholds: { disk_free_warn_mb: 1e12, disk_free_fail_mb: 0 } });
    const byName = Object.fromEntries((task.result?.checks ?? []).map((c) => [c.name, c.status]));
    expect(byName).toMatchObject({ 'database integrity': 'ok', 'disk free': 'warn', 'WAL size': 'ok', 'workers reachable': 'ok', 'agent clock skew': 'ok' });
    expect(['ok', 'warn', 'fail']).toContain(byName['event-loop lag']);
  });

  it('grades each live agent\'s clock skew from its last heartbeat, either way, against the thresholds', async () => {
    const beat = (name: string, skewMs: number) => h.c.heartbeat(h.c.registerWorker({ name, cpus: 1, memory_mb: 1000 }).id, { agent_time: h.clock.now() + skewMs });
    beat('close', -500);
    let check = (await runTask(h.c, { kind: 'health' })).result?.checks.find((c) => c.name === 'agent clock skew');
    expect(check).toMatchObject({ status: 'ok', message: expect.stringContaining('-0.5 s (close)') });
    beat('ahead', 5_000);
    check = (await runTask(h.c, { kind: 'health' })).result?.checks.find((c) => c.name === 'agent clock skew');
    expect(check).toMatchObject({ status: 'warn', message: expect.stringContaining('ahead +5.0 s') });
    beat('behind', -60_000);
    check = (await runTask(h.c, { kind: 'health', thresholds: { clock_skew_warn_ms: 1_000, clock_skew_fail_ms: 50_000 } })).result?.checks.find((c) => c.name === 'agent clock skew');
    expect(check).toMatchObject({ status: 'fail', message: 'clocks off (agent minus coordinator): behind -60.0 s, ahead +5.0 s; sync them (NTP)' });
  });

  it('counts rows per table and bytes of the database and logs', async () => {
    finishedJob('succeeded');
    const task = await runTask(h.c, { kind: 'stats' });
    expect(task.result?.counts).toMatchObject({ rows_jobs: 1, rows_attempts: 1, rows_metrics: 1, log_bytes: 6 });
    expect(task.result?.counts.database_bytes).toBeGreaterThan(0);
  });

  it('lists tasks newest first and marks one left running by a stopped coordinator as failed', async () => {
    await runTask(h.c, { kind: 'stats' });
    const abandoned = h.c.operations.startMaintenance({ kind: 'orphans' });
    h.reopen();
    const tasks = h.c.operations.maintenanceTasks();
    expect(tasks.map((t) => [t.kind, t.state])).toEqual([
      ['orphans', 'failed'],
      ['stats', 'succeeded'],
    ]);
    expect(h.c.operations.maintenanceTask(abandoned.id).error).toMatch(/stopped/);
  });
});
