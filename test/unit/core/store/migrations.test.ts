import { createHash } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '../../../../src/core';
import { MIGRATIONS } from '../../../../src/core/store/migrations';
import { addWorker, tempDir } from '../../../support/coordinator';

/** Data dirs made by landed builds, named by the commit that made them (see its README). */
const FIXTURES = join(__dirname, '../../../fixtures/databases');

/**
 * sha256 of each shipped entry. A shipped entry never changes: a change is a new entry, or
 * databases already past the old one would never see it.
 */
const SHIPPED = ['b6bba0d823cd29eef724ac6172073353074dc78f7bb9d30a4848ac7010feb529'];

let dir: string | null = null;
let c: Coordinator | null = null;
afterEach(() => {
  c?.close();
  c = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** Opens a copy (never the fixture itself: SQLite writes beside any file it opens in WAL mode). */
function openFixture(name: string, now = 1_750_000_100_000): Coordinator {
  dir = tempDir('gantry-upgrade-');
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  const before = new Database(join(dir, 'gantry.db'));
  expect(before.pragma('user_version', { simple: true }), 'the fixture is at its shipped version').toBe(1);
  before.close();
  c = createCoordinator({ dataDir: dir, now: () => now, sweepIntervalMs: null });
  return c;
}

/** Runs the first `count` entries, as a build of that schema version would have. */
function migrateTo(db: Database.Database, count: number): void {
  for (let version = 0; version < count; version++) {
    db.exec(MIGRATIONS[version]);
    db.pragma(`user_version = ${version + 1}`);
  }
}

describe('migrations', () => {
  it('never changes a shipped entry', () => {
    SHIPPED.forEach((hash, i) => expect(createHash('sha256').update(MIGRATIONS[i]).digest('hex'), `migration ${i + 1}`).toBe(hash));
  });

  it('upgrades a database made by build 9c37939 and keeps its jobs, attempts, metrics and logs', () => {
    const coordinator = openFixture('9c37939');
    const db = new Database(join(dir as string, 'gantry.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();

    expect(coordinator.countJobs()).toMatchObject({ total: 4, queued: 1, running: 1, succeeded: 1, cancelled: 1, unrunnable: 0 });
    expect(coordinator.listProjects().map((p) => p.name)).toEqual(['default', 'vision']);
    const trained = coordinator.getJob(1);
    expect(trained).toMatchObject({ name: 'train-a', project: 'vision', state: 'succeeded', attempt: 2, counted_attempts: 2, lost_attempts: 0, max_lost_attempts: 3, retry_delay_s: 0, retry_backoff: false, retry_at: null, params: { lr: '1e-3' } });
    expect(coordinator.listAttempts(1).map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    expect(coordinator.listMetrics(1).map((m) => m.value)).toEqual([0.5, 0.25]);
    expect(coordinator.readLog(1, 1).data.toString()).toBe('epoch 1 loss 0.5\n');
    expect(coordinator.getJob(2)).toMatchObject({ state: 'running', depends_on: [1] });
  });

  it('claims the upgraded queue by requirement shape', () => {
    const coordinator = openFixture('9c37939');
    const gpuJob = coordinator.getJob(3);
    expect(gpuJob).toMatchObject({ state: 'queued', requirements: { gpus: 1 } });
    const cpuOnly = addWorker(coordinator, { cpus: 8 });
    expect(coordinator.claim(cpuOnly)).toEqual([]);
    const gpuBox = addWorker(coordinator, { gpus: [{ index: 0, model: 'NVIDIA H100', memory_total_mb: 81_559 }] });
    expect(coordinator.claim(gpuBox).map((j) => j.job.id)).toEqual([gpuJob.id]);
  });

  it('reads attempts stored as lost with a preemption request as preempted, and leaves real losses lost', () => {
    dir = tempDir('gantry-upgrade-');
    const before = MIGRATIONS.findIndex((sql) => sql.includes('attempts_with_preempted'));
    const db = new Database(join(dir, 'gantry.db'));
    migrateTo(db, before);
    db.prepare(`INSERT INTO jobs (id, project_id, name, command, env, params, priority, requirements, depends_on, max_attempts, state, attempt, created_at, queued_at)
      VALUES (1, 1, 'train', '["train"]', '{}', '{}', 0, '{}', '[]', 1, 'queued', 2, 1, 1)`).run();
    const attempt = db.prepare(`INSERT INTO attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error, gpus, cpus, memory_mb, preempt_requested_at, preempted_by)
      VALUES (1, ?, 'w', 1, 2, 'lost', ?, '[]', 1, 0, ?, ?)`);
    attempt.run(1, 'preempted by #7', 1, 7);
    attempt.run(2, 'lease expired', null, null);
    db.close();
    c = createCoordinator({ dataDir: dir, sweepIntervalMs: null });
    expect(c.listAttempts(1).map((a) => [a.outcome, a.preempted_by])).toEqual([['preempted', 7], ['lost', null]]);
  });

  it('rebuilds jobs_shape_claim with retry_at on a database with queued jobs, some waiting out a retry delay: listings and claims right after', () => {
    dir = tempDir('gantry-upgrade-');
    const rebuild = MIGRATIONS.findIndex((sql) => sql.includes('CREATE INDEX jobs_shape_claim ON jobs (shape_id, priority DESC, id, retry_at)'));
    expect(rebuild).toBeGreaterThan(0);
    const db = new Database(join(dir, 'gantry.db'));
    migrateTo(db, rebuild);
    const shape = (requirements: string) => Number(db.prepare('INSERT INTO job_shapes (requirements) VALUES (?)').run(requirements).lastInsertRowid);
    const shapes = [shape('{"cpus":1,"gpus":0,"memory_mb":0,"gpu_memory_mb":null,"gpu_models":[],"tags":[]}'), shape('{"cpus":2,"gpus":0,"memory_mb":0,"gpu_memory_mb":null,"gpu_models":[],"tags":[]}')];
    const insert = db.prepare(`INSERT INTO jobs (id, project_id, name, command, env, params, priority, requirements, shape_id, depends_on, max_attempts, state, attempt, created_at, queued_at, retry_at)
      VALUES (?, 1, 'j', '["true"]', '{}', '{}', ?, (SELECT requirements FROM job_shapes WHERE id = ?), ?, '[]', 3, 'queued', ?, 1, 1, ?)`);
    // Ids 1-12: priorities with ties across the two shapes; every third job waits out a retry delay
    // (due at 5,000), the others are claimable.
    const jobs = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, priority: i % 3, shape: shapes[i % 2], retry_at: i % 3 === 2 ? 5_000 : null }));
    for (const j of jobs) insert.run(j.id, j.priority, j.shape, j.shape, j.retry_at === null ? 0 : 1, j.retry_at);
    db.close();

    let now = 1_000;
    c = createCoordinator({ dataDir: dir, now: () => now, sweepIntervalMs: null });
    const after = new Database(join(dir, 'gantry.db'), { readonly: true });
    expect((after.prepare("SELECT sql FROM sqlite_master WHERE name = 'jobs_shape_claim'").get() as { sql: string }).sql).toMatch(/\(shape_id, priority DESC, id, retry_at\) WHERE state = 'queued' AND retry_at IS NULL/);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();

    const claimOrder = (keep: (j: (typeof jobs)[number]) => boolean) => jobs.filter(keep).sort((a, b) => b.priority - a.priority || a.id - b.id).map((j) => j.id);
    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = c.listJobs({ state: 'queued', sort: 'priority', limit: 5, cursor });
      paged.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(claimOrder(() => true));
    const worker = addWorker(c, { cpus: 64 });
    // Before the delay ends the claim takes the claimable jobs only, in claim order; after, the rest.
    expect(c.claim(worker, { max: 20 }).map((claimed) => claimed.job.id)).toEqual(claimOrder((j) => j.retry_at === null));
    now = 5_000;
    expect(c.claim(worker, { max: 20 }).map((claimed) => claimed.job.id)).toEqual(claimOrder((j) => j.retry_at !== null));
    expect(c.countJobs()).toMatchObject({ queued: 0, running: 12 });
  });

  it('refuses a database from a newer Gantry', () => {
    dir = tempDir('gantry-upgrade-');
    const db = new Database(join(dir, 'gantry.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => createCoordinator({ dataDir: dir as string, sweepIntervalMs: null })).toThrow(/newer than this Gantry/);
  });
});
