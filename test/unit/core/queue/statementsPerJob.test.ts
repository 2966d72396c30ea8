import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';
import { countStatements } from '../../../support/statementCounter';

/** Executions of the statements whose SQL starts with `prefix`. */
function runsOf(bySql: Map<string, number>, prefix: string): number {
  return [...bySql].filter(([sql]) => sql.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
}

describe('statements a claim and a finish of many jobs run (issue 19)', () => {
  let h: Harness;
  beforeEach(() => (h = openHarness()));
  afterEach(() => h.cleanup());

  it('moves, reads and gives attempts rows to a claim of ten with one statement each', () => {
    h.c.submitBatch(Array.from({ length: 10 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c, { cpus: 64 });
    const { bySql } = countStatements(() => expect(h.c.claim(worker, { max: 10 })).toHaveLength(10));
    expect(runsOf(bySql, "UPDATE jobs SET state = 'running'")).toBe(1);
    expect(runsOf(bySql, 'SELECT id, project_id')).toBe(1);
    expect(runsOf(bySql, 'INSERT INTO attempts')).toBe(1);
    expect(runsOf(bySql, 'INSERT INTO events')).toBe(1);
  });

  it('finishes a batch of ten with no savepoint and one INSERT of events', () => {
    h.c.submitBatch(Array.from({ length: 10 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c, { cpus: 64 });
    const results = h.c.claim(worker, { max: 10 }).map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    const { bySql } = countStatements(() => h.c.finishMany({ results, brief: true }));
    expect(runsOf(bySql, 'SAVEPOINT')).toBe(0);
    expect(runsOf(bySql, 'INSERT INTO events')).toBe(1);
    expect(h.c.countJobs()).toMatchObject({ succeeded: 10 });
  });

  it('finishes ten plain successes with one UPDATE of their attempts and one of their jobs', () => {
    h.c.submitBatch(Array.from({ length: 10 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c, { cpus: 64 });
    const results = h.c.claim(worker, { max: 10 }).map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    const { bySql } = countStatements(() => h.c.finishMany({ results, brief: true }));
    expect(runsOf(bySql, 'UPDATE attempts')).toBe(1);
    expect(runsOf(bySql, 'UPDATE jobs')).toBe(1);
    expect(h.c.countJobs()).toMatchObject({ running: 0, succeeded: 10 });
    expect(results.map((r) => h.c.listAttempts(r.job_id)[0].outcome)).toEqual(Array(10).fill('succeeded'));
  });

  it('writes the tallies of a claim of ten, a batch of ten successes and a 64-job submit with one upsert each, no trigger statement per job', () => {
    const submit = countStatements(() => h.c.submitBatch(Array.from({ length: 64 }, () => ({ command: ['true'] }))));
    expect(runsOf(submit.bySql, 'INSERT INTO job_tallies (kind, key, state, n) VALUES (?')).toBe(1);
    const worker = addWorker(h.c, { cpus: 64 });
    let claimed: ReturnType<typeof h.c.claim> = [];
    const claim = countStatements(() => (claimed = h.c.claim(worker, { max: 10 })));
    expect(claimed).toHaveLength(10);
    const results = claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
    const finish = countStatements(() => h.c.finishMany({ results, brief: true }));
    for (const { bySql, trigger } of [submit, claim, finish]) {
      expect(trigger).toBe(0);
      expect(runsOf(bySql, 'INSERT INTO job_tallies (kind, key, state, n) VALUES (?')).toBe(1);
    }
    expect(h.c.countJobs()).toMatchObject({ queued: 54, succeeded: 10 });
  });

  it('claims more jobs than one statement holds, each once, with its attempt and its event, in priority order', () => {
    const jobs = h.c.submitBatch(Array.from({ length: 150 }, (_, i) => ({ command: ['true'], priority: i % 3 })));
    const worker = addWorker(h.c, { cpus: 1000 });
    const before = h.c.lastEventId();
    const claimed = h.c.claim(worker, { max: 150 });
    expect(claimed.map((c) => c.job.id).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id));
    expect(claimed.map((c) => c.job.priority)).toEqual([...claimed.map((c) => c.job.priority)].sort((a, b) => b - a));
    for (const c of claimed) expect(c.job).toMatchObject({ state: 'running', attempt: 1, worker_id: worker });
    expect(h.c.eventsSince(before).map((e) => e.job_id)).toEqual(claimed.map((c) => c.job.id));
    const finished = h.c.finishMany({ results: claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 })), brief: true });
    expect(finished.every((f) => f.state === 'succeeded')).toBe(true);
  });

  it('refuses an unknown job in a finish batch and applies the reports around it, without a savepoint', () => {
    h.c.submitBatch(Array.from({ length: 3 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c, { cpus: 64 });
    const [a, b, c] = h.c.claim(worker, { max: 3 });
    h.c.finish(b.job.id, { attempt: b.attempt, outcome: 'succeeded', exit_code: 0 });
    let outcomes: unknown[] = [];
    const { bySql } = countStatements(() => (outcomes = h.c.finishMany({
      results: [
        { job_id: a.job.id, attempt: a.attempt, outcome: 'failed', exit_code: 2 },
        { job_id: 9_999, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 },
      ],
      brief: true,
    })));
    expect(runsOf(bySql, 'SAVEPOINT')).toBe(0);
    expect(outcomes).toEqual([
      { job_id: a.job.id, state: 'failed' },
      { job_id: 9_999, error: expect.objectContaining({ code: 'not_found', field: 'id' }) as unknown },
      { job_id: c.job.id, state: 'succeeded' },
    ]);
    expect([a, b, c].map((x) => h.c.getJob(x.job.id).state)).toEqual(['failed', 'succeeded', 'succeeded']);
  });
});
