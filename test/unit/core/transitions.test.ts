import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { JOB_STATES, type JobState } from '../../../src/shared';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

describe('makeJob factory', () => {
  it.each(JOB_STATES)('puts a job in state %s', (state) => {
    expect(makeJob(h.c, state).state).toBe(state);
  });
});

describe('cancelJob', () => {
  const cases: Array<[JobState, 'cancelled' | 'conflict']> = [
    ['waiting', 'cancelled'], ['queued', 'cancelled'], ['running', 'cancelled'], ['blocked', 'cancelled'],
    ['succeeded', 'conflict'], ['failed', 'conflict'], ['cancelled', 'conflict'],
  ];
  it.each(cases)('from %s gives %s', (state, expected) => {
    const job = makeJob(h.c, state);
    if (expected === 'conflict') {
      expect(() => h.c.cancel(job.id)).toThrow(/only waiting, queued, blocked or running/);
      expect(h.c.getJob(job.id).state).toBe(state);
    } else {
      expect(h.c.cancel(job.id).state).toBe('cancelled');
    }
  });

  it('blocks every transitive dependent when a job is cancelled', () => {
    const a = h.c.submit({ command: ['a'] });
    const b = h.c.submit({ command: ['b'], depends_on: [a.id] });
    const c2 = h.c.submit({ command: ['c'], depends_on: [b.id] });
    h.c.cancel(a.id);
    expect(h.c.getJob(b.id).state).toBe('blocked');
    expect(h.c.getJob(c2.id).state).toBe('blocked');
  });

  it('tells the worker of a cancelled running job to stop at its next heartbeat', () => {
    const job = makeJob(h.c, 'running');
    h.c.cancel(job.id);
    const reply = h.c.heartbeat(job.worker_id as string, {});
    expect(reply.cancel).toEqual([{ job_id: job.id, attempt: 1 }]);
    h.c.finish(job.id, { attempt: 1, outcome: 'cancelled', exit_code: null });
    expect(h.c.heartbeat(job.worker_id as string, {}).cancel).toEqual([]);
    expect(h.c.getJob(job.id).state).toBe('cancelled');
  });

  it('returns NotFound for an unknown job', () => {
    expect(() => h.c.cancel(999)).toThrow(/job 999 does not exist/);
  });
});

describe('retryJob', () => {
  const cases: Array<[JobState, 'queued' | 'conflict']> = [
    ['failed', 'queued'], ['cancelled', 'queued'], ['waiting', 'conflict'], ['queued', 'conflict'], ['running', 'conflict'], ['succeeded', 'conflict'],
  ];
  it.each(cases)('from %s gives %s', (state, expected) => {
    const job = makeJob(h.c, state);
    if (expected === 'conflict') expect(() => h.c.retry(job.id)).toThrow(/only failed, cancelled or blocked/);
    else expect(h.c.retry(job.id).state).toBe('queued');
  });

  it('re-queues a failed job and un-blocks its dependents transitively', () => {
    const worker = addWorker(h.c);
    const a = h.c.submit({ command: ['a'] });
    const b = h.c.submit({ command: ['b'], depends_on: [a.id] });
    const c2 = h.c.submit({ command: ['c'], depends_on: [b.id] });
    h.c.claim(worker);
    h.c.finish(a.id, { attempt: 1, outcome: 'failed', exit_code: 3 });
    expect([h.c.getJob(b.id).state, h.c.getJob(c2.id).state]).toEqual(['blocked', 'blocked']);
    expect(h.c.retry(a.id).state).toBe('queued');
    expect([h.c.getJob(b.id).state, h.c.getJob(c2.id).state]).toEqual(['waiting', 'waiting']);
    const [again] = h.c.claim(worker);
    expect(again.attempt).toBe(2);
    h.c.finish(a.id, { attempt: 2, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.getJob(b.id).state).toBe('queued');
  });

  it('refuses to retry a blocked job whose dependency is still failed, naming the dependency', () => {
    const dep = makeJob(h.c, 'failed');
    const job = h.c.submit({ command: ['x'], depends_on: [dep.id] });
    expect(job.state).toBe('blocked');
    expect(() => h.c.retry(job.id)).toThrow(new RegExp(`depends on job ${dep.id}, which is failed`));
  });

  it('grants a fresh set of attempts', () => {
    const worker = addWorker(h.c);
    const job = h.c.submit({ command: ['x'], max_attempts: 2 });
    for (const attempt of [1, 2]) {
      h.c.claim(worker);
      h.c.finish(job.id, { attempt, outcome: 'failed', exit_code: 1 });
    }
    expect(h.c.getJob(job.id).state).toBe('failed');
    h.c.retry(job.id);
    h.c.claim(worker);
    expect(h.c.finish(job.id, { attempt: 3, outcome: 'failed', exit_code: 1 }).state).toBe('queued');
  });
});

describe('finishAttempt', () => {
  it('moves a succeeded job to succeeded and queues dependents whose dependencies all succeeded', () => {
    const worker = addWorker(h.c);
    const a = h.c.submit({ command: ['a'] });
    const b = h.c.submit({ command: ['b'] });
    const c2 = h.c.submit({ command: ['c'], depends_on: [a.id, b.id] });
    h.c.claim(worker, { max: 2 });
    h.c.finish(a.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.getJob(c2.id).state).toBe('waiting');
    h.c.finish(b.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.getJob(c2.id).state).toBe('queued');
  });

  it('re-queues a failed attempt while attempts remain, then fails the job', () => {
    const worker = addWorker(h.c);
    const job = h.c.submit({ command: ['x'], max_attempts: 2 });
    h.c.claim(worker);
    expect(h.c.finish(job.id, { attempt: 1, outcome: 'timed_out', exit_code: null }).state).toBe('queued');
    h.c.claim(worker);
    const failed = h.c.finish(job.id, { attempt: 2, outcome: 'failed', exit_code: 2 });
    expect(failed.state).toBe('failed');
    expect(failed.exit_code).toBe(2);
    expect(h.c.listAttempts(job.id).map((a) => a.outcome)).toEqual(['timed_out', 'failed']);
  });

  it('is idempotent for the same attempt', () => {
    const job = makeJob(h.c, 'running');
    const first = h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    const second = h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(second).toEqual(first);
    expect(h.c.eventsSince(0).filter((e) => e.type === 'job.succeeded')).toHaveLength(1);
  });

  it('refuses a stale attempt that was lost', () => {
    const job = makeJob(h.c, 'running', { max_attempts: 3 });
    h.clock.advance(31_000);
    h.c.sweep();
    expect(() => h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 })).toThrow(/lost .* stale/);
    expect(h.c.getJob(job.id).state).toBe('queued');
  });

  it('refuses an attempt that never existed', () => {
    const job = makeJob(h.c, 'running');
    expect(() => h.c.finish(job.id, { attempt: 7, outcome: 'succeeded', exit_code: 0 })).toThrow(/has no attempt 7/);
  });
});

describe('changePriority', () => {
  it.each(['waiting', 'queued', 'blocked'] as JobState[])('changes the priority of a %s job', (state) => {
    expect(h.c.setPriority(makeJob(h.c, state).id, 42).priority).toBe(42);
  });
  it.each(['running', 'succeeded', 'failed', 'cancelled'] as JobState[])('refuses a %s job', (state) => {
    expect(() => h.c.setPriority(makeJob(h.c, state).id, 42)).toThrow(/priority can change only before it runs/);
  });
  it('refuses an absurd priority', () => {
    expect(() => h.c.setPriority(makeJob(h.c, 'queued').id, 1e12)).toThrow(/priority/);
  });
});

describe('removeJob and clearPending', () => {
  it.each(['waiting', 'queued', 'blocked', 'succeeded', 'failed', 'cancelled'] as JobState[])('removes a %s job', (state) => {
    const job = makeJob(h.c, state);
    h.c.remove(job.id);
    expect(() => h.c.getJob(job.id)).toThrow(/does not exist/);
  });
  it('refuses to remove a running job', () => {
    expect(() => h.c.remove(makeJob(h.c, 'running').id)).toThrow(/is running/);
  });
  it('refuses to remove a job others depend on, naming them', () => {
    const a = h.c.submit({ command: ['a'] });
    const b = h.c.submit({ command: ['b'], depends_on: [a.id] });
    expect(() => h.c.remove(a.id)).toThrow(new RegExp(`dependency of job ${b.id}`));
  });
  it("clears a project's waiting, queued and blocked jobs and keeps the rest", () => {
    h.c.createProject({ name: 'p' });
    const running = makeJob(h.c, 'running', { project: 'p' });
    makeJob(h.c, 'queued', { project: 'p' });
    const other = makeJob(h.c, 'queued');
    expect(h.c.clearPending('p')).toBe(1);
    expect(h.c.getJob(running.id).state).toBe('running');
    expect(h.c.getJob(other.id).state).toBe('queued');
    expect(() => h.c.clearPending('nope')).toThrow(/project "nope" does not exist/);
  });
});

describe('events', () => {
  it('appends one event per transition and publishes them in order', () => {
    const seen: string[] = [];
    h.c.subscribe((e) => seen.push(`${e.type}:${e.job_id}`));
    const job = makeJob(h.c, 'succeeded');
    expect(seen).toEqual([`job.submitted:${job.id}`, 'worker.registered:null', `job.claimed:${job.id}`, `job.succeeded:${job.id}`]);
    expect(h.c.eventsSince(0).map((e) => `${e.type}:${e.job_id}`)).toEqual(seen);
  });

  it('writes a state change and its event in one transaction: when the event cannot be written, the state stays', () => {
    const running = makeJob(h.c, 'running');
    const queued = makeJob(h.c, 'queued');
    const dependent = h.c.submit({ command: ['next'], depends_on: [running.id] });
    // A second connection plants a trigger that refuses some events, as a full disk or a crash
    // between the two writes would: if state and event were separate transactions, the state would stick.
    const db = new Database(join(h.dataDir, 'gantry.db'));
    db.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events WHEN NEW.type IN ('job.failed', 'job.blocked', 'job.cancelled')
      BEGIN SELECT RAISE(ABORT, 'event log refused'); END`);
    db.close();
    const seen: string[] = [];
    h.c.subscribe((e) => seen.push(e.type));
    const before = h.c.lastEventId();
    expect(() => h.c.finish(running.id, { attempt: 1, outcome: 'failed', exit_code: 1 })).toThrow(/event log refused/);
    expect(() => h.c.cancel(queued.id)).toThrow(/event log refused/);
    expect(h.c.getJob(running.id)).toMatchObject({ state: 'running', exit_code: null });
    expect(h.c.listAttempts(running.id)[0]).toMatchObject({ outcome: null, finished_at: null });
    expect(h.c.getJob(dependent.id).state).toBe('waiting');
    expect(h.c.getJob(queued.id).state).toBe('queued');
    expect(h.c.countJobs()).toMatchObject({ running: 1, waiting: 1, queued: 1, failed: 0, cancelled: 0 });
    expect(h.c.lastEventId()).toBe(before);
    expect(seen).toEqual([]);
  });

  it('publishes nothing when a transition is refused', () => {
    const seen: string[] = [];
    const job = makeJob(h.c, 'succeeded');
    h.c.subscribe((e) => seen.push(e.type));
    const before = h.c.lastEventId();
    expect(() => h.c.cancel(job.id)).toThrow();
    expect(seen).toEqual([]);
    expect(h.c.lastEventId()).toBe(before);
  });
});

describe('finishMany', () => {
  it('applies every report in one transaction and refuses a stale one on its own, undoing only its events', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const [a, b, c2] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'], max_attempts: 2 }), h.c.submit({ command: ['c'] })];
    h.c.claim(w, { max: 3 });
    const seen: string[] = [];
    h.c.subscribe((e) => seen.push(`${e.type}:${e.job_id}`));
    const results = h.c.finishMany({
      results: [
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.id, attempt: 9, outcome: 'succeeded', exit_code: 0 },
        { job_id: c2.id, attempt: 1, outcome: 'failed', exit_code: 4 },
      ],
    });
    expect(results.map((r) => [r.job_id, r.job?.state ?? r.error?.code])).toEqual([[a.id, 'succeeded'], [b.id, 'not_found'], [c2.id, 'failed']]);
    expect(h.c.getJob(b.id).state).toBe('running');
    expect(seen).toEqual([`job.succeeded:${a.id}`, `job.failed:${c2.id}`]);
  });

  it('refuses a malformed batch as a whole, naming the field', () => {
    expect(() => h.c.finishMany({ results: [{ job_id: 1, attempt: 0, outcome: 'succeeded' }] })).toThrow(/results.0.attempt/);
  });

  it('answers a brief batch with each job\'s new state and no job, as the full batch would have left them', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const [a, b, c2, d] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'], max_attempts: 2 }), h.c.submit({ command: ['c'] }), h.c.submit({ command: ['d'] })];
    h.c.claim(w, { max: 4 });
    h.c.finish(d.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    const results = h.c.finishMany({
      brief: true,
      results: [
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.id, attempt: 1, outcome: 'failed', exit_code: 3 },
        { job_id: c2.id, attempt: 7, outcome: 'succeeded', exit_code: 0 },
        { job_id: d.id, attempt: 1, outcome: 'failed', exit_code: 1 },
      ],
    });
    expect(results).toEqual([
      { job_id: a.id, state: 'succeeded' },
      { job_id: b.id, state: 'queued' },
      { job_id: c2.id, error: expect.objectContaining({ code: 'not_found', field: 'attempt' }) as unknown },
      // A repeated report changes nothing and says how the job stands.
      { job_id: d.id, state: 'failed' },
    ]);
    expect([a, b, c2, d].map((job) => h.c.getJob(job.id).state)).toEqual(['succeeded', 'queued', 'running', 'failed']);
  });

  it('answers a full batch with the job as stored after the report', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const job = h.c.submit({ command: ['a'], max_attempts: 2 });
    h.c.claim(w);
    const [result] = h.c.finishMany({ results: [{ job_id: job.id, attempt: 1, outcome: 'failed', exit_code: 3 }] });
    expect(result.job).toEqual(h.c.getJob(job.id));
    expect(result.job).toMatchObject({ state: 'queued', exit_code: 3, error: 'exited with code 3', worker_id: null });
  });
});

describe('finishMany of plain successes, written together (issue 19)', () => {
  /** What a finish leaves in a job's row and its attempt's, without the ids and times that differ between jobs. */
  function finishedRows(jobId: number): unknown {
    const { state, exit_code, error, finished_at, worker_id, attempt } = h.c.getJob(jobId);
    const [row] = h.c.listAttempts(jobId);
    return { job: { state, exit_code, error, finished_at, worker_id, attempt }, attempt: { outcome: row.outcome, exit_code: row.exit_code, error: row.error, finished_at: row.finished_at } };
  }

  it('leaves each job and attempt row as reporting it alone would, with its own exit code and error', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const jobs = Array.from({ length: 6 }, (_, i) => h.c.submit({ command: [`j${i}`] }));
    h.c.claim(w, { max: 6 });
    const reports = [
      { outcome: 'succeeded' as const, exit_code: 0, error: null },
      { outcome: 'succeeded' as const, exit_code: 7, error: 'finished with a warning' },
      { outcome: 'succeeded' as const, exit_code: null, error: null },
    ];
    const [alone, together] = [jobs.slice(0, 3), jobs.slice(3)];
    alone.forEach((job, i) => h.c.finish(job.id, { attempt: 1, ...reports[i] }));
    const outcomes = h.c.finishMany({ brief: true, results: together.map((job, i) => ({ job_id: job.id, attempt: 1, ...reports[i] })) });
    expect(outcomes).toEqual(together.map((job) => ({ job_id: job.id, state: 'succeeded' })));
    expect(together.map((job) => finishedRows(job.id))).toEqual(alone.map((job) => finishedRows(job.id)));
    expect(h.c.countJobs()).toMatchObject({ running: 0, succeeded: 6 });
  });

  it('checks a second report of a job in the same batch against what the first one wrote', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const [a, b] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'], max_attempts: 3 })];
    h.c.claim(w, { max: 2 });
    const seen: string[] = [];
    h.c.subscribe((e) => seen.push(`${e.type}:${e.job_id}`));
    const outcomes = h.c.finishMany({
      brief: true,
      results: [
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        // The attempt already ended as succeeded: a repeat, answered with the job's state and changing nothing.
        { job_id: b.id, attempt: 1, outcome: 'failed', exit_code: 1 },
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
      ],
    });
    expect(outcomes.map((o) => o.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(h.c.listAttempts(b.id).map((x) => [x.outcome, x.exit_code])).toEqual([['succeeded', 0]]);
    expect(h.c.getJob(b.id)).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(seen).toEqual([`job.succeeded:${a.id}`, `job.succeeded:${b.id}`]);
  });

  it('keeps events in report order and counts right when successes mix with retries, failures, cancels and dependents', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const a = h.c.submit({ command: ['a'] });
    const b = h.c.submit({ command: ['b'], max_attempts: 2 });
    const c2 = h.c.submit({ command: ['c'] });
    const d = h.c.submit({ command: ['d'] });
    const e = h.c.submit({ command: ['e'] });
    const f = h.c.submit({ command: ['f'] });
    h.c.claim(w, { max: 6 });
    const afterA = h.c.submit({ command: ['after a and c'], depends_on: [a.id, c2.id] });
    const afterE = h.c.submit({ command: ['after e'], depends_on: [e.id] });
    const seen: Array<[string, number | null]> = [];
    h.c.subscribe((event) => seen.push([event.type, event.job_id]));
    const ids: number[] = [];
    h.c.subscribe((event) => ids.push(event.id));
    const outcomes = h.c.finishMany({
      brief: true,
      results: [
        { job_id: f.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.id, attempt: 1, outcome: 'failed', exit_code: 2 },
        { job_id: c2.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: d.id, attempt: 1, outcome: 'cancelled', exit_code: null },
        { job_id: e.id, attempt: 1, outcome: 'failed', exit_code: 1 },
      ],
    });
    expect(outcomes.map((o) => o.state)).toEqual(['succeeded', 'succeeded', 'queued', 'succeeded', 'cancelled', 'failed']);
    expect(seen).toEqual([
      ['job.succeeded', f.id],
      ['job.succeeded', a.id],
      ['job.requeued', b.id],
      ['job.succeeded', c2.id],
      ['job.queued', afterA.id],
      ['job.cancelled', d.id],
      ['job.failed', e.id],
      ['job.blocked', afterE.id],
    ]);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(h.c.countJobs()).toMatchObject({ running: 0, succeeded: 3, queued: 2, cancelled: 1, failed: 1, blocked: 1 });
  });

  it('answers a full batch with each job as stored after its own report', () => {
    const w = addWorker(h.c, { cpus: 16 });
    const [a, b] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'] })];
    h.c.claim(w, { max: 2 });
    const outcomes = h.c.finishMany({
      results: [
        { job_id: a.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.id, attempt: 1, outcome: 'succeeded', exit_code: 3 },
      ],
    });
    expect(outcomes.map((o) => o.job)).toEqual([h.c.getJob(a.id), h.c.getJob(b.id)]);
    expect(outcomes.map((o) => [o.job?.state, o.job?.exit_code, o.job?.finished_at])).toEqual([['succeeded', 0, h.clock.now()], ['succeeded', 3, h.clock.now()]]);
  });
});

describe('attempt.ended', () => {
  it('is emitted with the worker when a cancelled job’s attempt finally ends, so that worker can claim again', () => {
    const job = makeJob(h.c, 'running');
    h.c.cancel(job.id);
    const seen: Array<[string, string | null]> = [];
    h.c.subscribe((e) => seen.push([e.type, e.worker_id]));
    h.c.finish(job.id, { attempt: 1, outcome: 'cancelled', exit_code: null });
    expect(seen).toEqual([['attempt.ended', job.worker_id]]);
  });
});
