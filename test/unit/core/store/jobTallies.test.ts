import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CoreContext } from '../../../../src/core/context';
import { withInsertTallies } from '../../../../src/core/queue/talliesInCode';
import { openDatabase } from '../../../../src/core/store/database';
import { ConflictError, NotFoundError } from '../../../../src/shared';
import { addWorker, tempDir } from '../../../support/coordinator';
import { useHarnessWithSideConnection } from '../../../support/sideConnection';

const HOUR = 3_600_000;

const t = useHarnessWithSideConnection();

const rows = (sql: string): unknown[] => t.side.prepare(sql).all();

/** The trigger-kept counts next to the same figures counted from the jobs themselves (the flow per hour is a history, checked apart). */
function expectTalliesMatchJobs(): void {
  expect(rows('SELECT project_id, state, n FROM job_counts WHERE n > 0 ORDER BY 1, 2')).toEqual(
    rows('SELECT project_id, state, COUNT(*) AS n FROM jobs GROUP BY 1, 2 ORDER BY 1, 2'),
  );
  expect(rows("SELECT key AS shape_id, n FROM job_tallies WHERE kind = 2 AND n > 0 ORDER BY 1")).toEqual(
    rows("SELECT shape_id, COUNT(*) AS n FROM jobs WHERE state = 'queued' GROUP BY 1 ORDER BY 1"),
  );
}

/**
 * The tallies as the triggers alone kept them before claims, batches of successes and submits
 * wrote their own (issue 19): copies of job_tallies' three triggers as they stood, counting every
 * row, into ref_tallies. Installed from the side connection, they fire for the coordinator's
 * statements too.
 */
function installReferenceTallies(): void {
  t.side.exec(`
    CREATE TABLE ref_tallies (kind INTEGER NOT NULL, key INTEGER NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, key, state)) WITHOUT ROWID;
    INSERT INTO ref_tallies SELECT kind, key, state, n FROM job_tallies WHERE kind < 3;
    CREATE TRIGGER ref_tallies_insert AFTER INSERT ON jobs BEGIN
      INSERT INTO ref_tallies (kind, key, state, n) VALUES (0, NEW.created_at / 3600000 * 3600000, 'submitted', 1), (1, NEW.project_id, NEW.state, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
      INSERT INTO ref_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued'
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER ref_tallies_delete AFTER DELETE ON jobs BEGIN
      UPDATE ref_tallies SET n = n - 1 WHERE (kind = 1 AND key = OLD.project_id AND state = OLD.state) OR (OLD.state = 'queued' AND kind = 2 AND key = OLD.shape_id AND state = '');
    END;
    CREATE TRIGGER ref_tallies_update AFTER UPDATE OF state ON jobs WHEN OLD.state <> NEW.state BEGIN
      UPDATE ref_tallies SET n = n - 1 WHERE kind = 1 AND key = OLD.project_id AND state = OLD.state;
      INSERT INTO ref_tallies (kind, key, state, n) VALUES (1, NEW.project_id, NEW.state, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
      UPDATE ref_tallies SET n = n - 1 WHERE OLD.state = 'queued' AND kind = 2 AND key = OLD.shape_id AND state = '';
      INSERT INTO ref_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued' AND NEW.shape_id IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
      INSERT INTO ref_tallies (kind, key, state, n) SELECT 0, NEW.finished_at / 3600000 * 3600000, NEW.state, 1 WHERE NEW.finished_at IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;`);
}

/** Every tally, the flow per hour included, equals the trigger-only reference, and the insert switch is down as committed. */
function expectTalliesMatchReference(): void {
  expect(rows('SELECT kind, key, state, n FROM job_tallies WHERE kind < 3 AND n <> 0 ORDER BY 1, 2, 3')).toEqual(
    rows('SELECT kind, key, state, n FROM ref_tallies WHERE n <> 0 ORDER BY 1, 2, 3'),
  );
  expect(rows('SELECT n FROM job_tallies WHERE kind = 3')).toEqual([{ n: 0 }]);
}

describe('job tallies (counts per project and state, queued per shape, flow per hour)', () => {
  it('stay equal to counts of the jobs through claims, finishes, retries, cancels and removals in two projects', () => {
    t.h.c.createProject({ name: 'nlp' });
    const jobs = t.h.c.submitBatch(Array.from({ length: 30 }, (_, i) => ({ command: ['true'], project: i % 2 ? 'nlp' : undefined, requirements: { cpus: 1 + (i % 3) } })));
    const worker = addWorker(t.h.c, { cpus: 64 });
    const claimed = t.h.c.claim(worker, { max: 8 });
    claimed.forEach((c, i) => t.h.c.finish(c.job.id, { attempt: c.attempt, outcome: i % 3 ? 'succeeded' : 'failed', exit_code: i % 3 ? 0 : 1 }));
    t.h.clock.advance(2 * HOUR);
    t.h.c.claim(worker, { max: 3 });
    const failed = claimed.filter((_, i) => i % 3 === 0);
    t.h.c.retry(failed[0].job.id);
    t.h.c.cancel(jobs[29].id);
    t.h.c.remove(claimed[1].job.id);
    t.h.c.remove(jobs[28].id);
    t.h.clock.advance(HOUR);
    for (const c of t.h.c.claim(worker, { max: 2 })) t.h.c.finish(c.job.id, { attempt: c.attempt, outcome: 'succeeded', exit_code: 0 });
    expectTalliesMatchJobs();
    expect(t.h.c.countJobs()).toMatchObject({ total: 28 });
    // Removals and retries leave the history alone: it says what was submitted and what ended, hour by hour.
    const start = Math.floor(t.h.clock.now() / HOUR) * HOUR - 3 * HOUR;
    expect(rows('SELECT hour, state, n FROM job_flow_hourly ORDER BY 1, 2')).toEqual([
      { hour: start, state: 'failed', n: 3 },
      { hour: start, state: 'submitted', n: 30 },
      { hour: start, state: 'succeeded', n: 5 },
      { hour: start + 2 * HOUR, state: 'cancelled', n: 1 },
      { hour: start + 3 * HOUR, state: 'succeeded', n: 2 },
    ]);
  });

  it('count a job of a new shape that becomes queued after submit (a dependent), so a claim finds it', () => {
    const [first, second] = t.h.c.submitBatch([
      { ref: 'a', command: ['true'] },
      { ref: 'b', command: ['true'], requirements: { cpus: 3 }, depends_on: [{ ref: 'a' }] },
    ]);
    const worker = addWorker(t.h.c, { cpus: 8 });
    const [claimA] = t.h.c.claim(worker, { max: 4 });
    expect(claimA.job.id).toBe(first.id);
    t.h.c.finish(first.id, { attempt: claimA.attempt, outcome: 'succeeded', exit_code: 0 });
    expectTalliesMatchJobs();
    expect(t.h.c.claim(worker, { max: 4 }).map((c) => c.job.id)).toEqual([second.id]);
  });
});

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function randomFrom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/** Retries a job; one whose dependency failed is refused (a ConflictError), which leaves everything as it was. */
function retryUnlessRefused(id: number): void {
  try {
    t.h.c.retry(id);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

const OUTCOMES = ['succeeded', 'succeeded', 'succeeded', 'failed', 'timed_out', 'cancelled'] as const;

describe('job tallies after random operations', () => {
  it.each([1, 2, 3, 4, 5, 6])('equal COUNT(*) of the jobs, and the trigger-only reference, after every step, seed %i', (seed) => {
    const random = randomFrom(seed);
    installReferenceTallies();
    t.h.c.createProject({ name: 'nlp' });
    const workers = [addWorker(t.h.c, { cpus: 64 }), addWorker(t.h.c, { cpus: 64 })];
    let running: Array<{ job_id: number; attempt: number }> = [];
    const submitted: number[] = [];
    const report = (job: { job_id: number; attempt: number }) => ({ ...job, outcome: OUTCOMES[random(OUTCOMES.length)], exit_code: random(3) });
    const take = (claimed: Array<{ job: { id: number }; attempt: number }>) => (running = running.concat(claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt }))));
    /** Up to `n` reports of running jobs (now and then one twice, or a stale attempt), taken off the running list. */
    const someReports = (n: number) => {
      const picked = running.splice(0, n).map(report);
      if (picked.length > 0 && random(4) === 0) picked.push({ ...picked[0] });
      if (picked.length > 0 && random(6) === 0) picked.push({ ...picked[0], attempt: picked[0].attempt + 5 });
      return picked;
    };
    for (let step = 0; step < 60; step++) {
      const worker = workers[random(2)];
      switch (random(9)) {
        case 0:
        case 1: {
          const specs = Array.from({ length: 1 + random(12) }, (_, i) => ({
            command: ['true'],
            project: random(2) ? 'nlp' : undefined,
            requirements: { cpus: 1 + random(3) },
            max_attempts: 1 + random(3),
            depends_on: i > 0 && submitted.length > 0 && random(5) === 0 ? [submitted[random(submitted.length)]] : undefined,
          }));
          for (const job of t.h.c.submitBatch(specs)) submitted.push(job.id);
          break;
        }
        case 2:
        case 3:
          take(t.h.c.claim(worker, { max: 1 + random(12) }));
          break;
        case 4: {
          const results = someReports(1 + random(12));
          if (results.length > 0) t.h.c.finishMany({ results, brief: random(2) === 0 });
          break;
        }
        case 5: {
          const results = someReports(1 + random(12));
          if (results.length > 0) take(t.h.c.finishAndClaim(worker, { results, brief: true }, { max: 1 + random(10) }).jobs);
          break;
        }
        case 6: {
          const id = submitted[random(submitted.length)];
          const job = id === undefined ? undefined : t.h.c.getJob(id);
          if (job?.state === 'failed' || job?.state === 'cancelled') retryUnlessRefused(job.id);
          else if (job?.state === 'queued' || job?.state === 'waiting' || job?.state === 'running') t.h.c.cancel(job.id);
          break;
        }
        case 7: {
          const id = submitted[random(submitted.length)];
          const job = id === undefined ? undefined : t.h.c.getJob(id);
          if (job?.state === 'succeeded' && t.h.c.dependents(job.id).length === 0) {
            t.h.c.remove(job.id);
            submitted.splice(submitted.indexOf(job.id), 1);
          }
          break;
        }
        default:
          t.h.clock.advance(random(2) ? HOUR : 1 + random(60_000));
      }
      expectTalliesMatchJobs();
      expectTalliesMatchReference();
    }
    expect(rows("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('succeeded', 'running')")).not.toEqual([{ n: 0 }]);
  });
});

describe('job tallies written by code for batched statements (issue 19)', () => {
  it('stay equal to the jobs and the trigger-only reference across 64-row chunks and a last chunk of one: a submit of 150, a claim of 129, 129 successes in one batch', () => {
    installReferenceTallies();
    t.h.c.createProject({ name: 'nlp' });
    const worker = addWorker(t.h.c, { cpus: 1024 });
    t.h.c.submitBatch(Array.from({ length: 150 }, (_, i) => ({ command: ['true'], project: i % 3 ? 'nlp' : undefined, requirements: { cpus: 1 + (i % 2) } })));
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
    const claimed = t.h.c.claim(worker, { max: 129 });
    expect(claimed).toHaveLength(129);
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
    t.h.clock.advance(HOUR);
    const outcomes = t.h.c.finishMany({ results: claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 })), brief: true });
    expect(outcomes.every((o) => 'state' in o && o.state === 'succeeded')).toBe(true);
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
    const hour = Math.floor(t.h.clock.now() / HOUR) * HOUR;
    expect(rows('SELECT hour, state, n FROM job_flow_hourly ORDER BY 1, 2')).toEqual([
      { hour: hour - HOUR, state: 'submitted', n: 150 },
      { hour, state: 'succeeded', n: 129 },
    ]);
  });

  it('count what other writers do through the triggers: a state changed, a row copied with every column, a row deleted', () => {
    const jobs = t.h.c.submitBatch(Array.from({ length: 12 }, () => ({ command: ['true'] })));
    const worker = addWorker(t.h.c, { cpus: 64 });
    const claimed = t.h.c.claim(worker, { max: 6 });
    t.h.c.finishMany({ results: claimed.slice(0, 4).map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 })), brief: true });
    installReferenceTallies();
    // As another process or a bulk load would (bench/queue/copyJobs.ts copies every column, the marks included).
    const columns = (t.side.prepare("SELECT name FROM pragma_table_info('jobs') WHERE name <> 'id'").all() as Array<{ name: string }>).map((c) => c.name).join(', ');
    for (const source of [claimed[0].job.id, claimed[5].job.id, jobs[11].id]) {
      t.side.prepare(`INSERT INTO jobs (${columns}) SELECT ${columns} FROM jobs WHERE id = ?`).run(source);
    }
    t.side.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?").run(t.h.clock.now(), claimed[4].job.id);
    t.side.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?").run(t.h.clock.now(), jobs[10].id);
    t.side.prepare('DELETE FROM jobs WHERE id = ?').run(claimed[1].job.id);
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
  });

  it('are as before a submit refused past its first 64-row chunk, and the next submit is counted', () => {
    installReferenceTallies();
    t.h.c.submitBatch([{ command: ['true'] }]);
    const specs = Array.from({ length: 100 }, (_, i) => ({ command: ['true'], depends_on: i === 99 ? [12_345] : undefined }));
    expect(() => t.h.c.submitBatch(specs)).toThrow(NotFoundError);
    expect(t.h.c.countJobs()).toMatchObject({ total: 1 });
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
    t.h.c.submitBatch(specs.slice(0, 70));
    expectTalliesMatchJobs();
    expectTalliesMatchReference();
  });
});

describe('withInsertTallies', () => {
  it('lowers the insert switch when what it runs throws, so the rest of the transaction is counted by the trigger', () => {
    const dir = tempDir();
    const ctx = new CoreContext(openDatabase(dir), dir, () => 1_700_000_000_000, { leaseTtlMs: 1, restartGraceMs: 1, workerTimeoutMs: 1, reserveAfterMs: 1, eventRetentionMs: 1 });
    try {
      const switchInTransaction = ctx.tx(() => {
        expect(() => withInsertTallies(ctx, () => {
          throw new Error('refused');
        })).toThrow('refused');
        return ctx.sql('SELECT n FROM job_tallies WHERE kind = 3').get();
      });
      expect(switchInTransaction).toEqual({ n: 0 });
    } finally {
      ctx.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
