import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const setupFailed = (suiteId: number, handed: Array<{ job_id: number; attempt: number }> = []) => ({
  suite_id: suiteId, hook: 'setup' as const, outcome: 'failed' as const, exit_code: 1, started_at: h.clock.now(), finished_at: h.clock.now(),
  log_b64: Buffer.from('pip: no such package\n').toString('base64'), handed_back: handed,
});

describe('suites', () => {
  it('creates a suite and refuses a second open suite of the same name, naming the field', () => {
    const suite = h.c.suites.create({ name: 'evals', setup: { command: ['true'] }, tags: ['gpu'] });
    expect(suite).toMatchObject({ name: 'evals', state: 'open', tags: ['gpu'], counts: { total: 0 } });
    expect(() => h.c.suites.create({ name: 'evals' })).toThrow(/name: an open suite is already called "evals"/);
    expect(() => h.c.suites.create({ name: 'bad name' })).toThrow(/name:/);
    expect(() => h.c.suites.create({ name: 'x', setup: { command: [] } })).toThrow(/setup.command/);
  });

  it('refuses a suite whose input names nothing the store holds, naming the field, and stores nothing', () => {
    expect(() => h.c.suites.create({ name: 'x', inputs: ['dataset:missing'] })).toThrow(/inputs.0: there is no dataset named missing/);
    expect(() => h.c.suites.create({ name: 'x', inputs: ['not a reference'] })).toThrow(/inputs.0/);
    expect(h.c.suites.list()).toEqual([]);
  });

  it('refuses a job for an unknown or closed suite, naming the field, and stores nothing', () => {
    expect(() => h.c.submit({ command: ['true'], suite: 'nope' })).toThrow(/suite: suite "nope" does not exist/);
    h.c.suites.create({ name: 'done' });
    h.c.suites.close('done');
    expect(() => h.c.submit({ command: ['true'], suite: 'done' })).toThrow(/suite "done" is closed/);
    expect(h.c.countJobs().total).toBe(0);
  });

  it('keeps its counters through claim, finish, cancel and retry without recounting', () => {
    const suite = h.c.suites.create({ name: 's', priority: 5 });
    const [a, b, c] = [1, 2, 3].map(() => h.c.submit({ command: ['true'], suite: 's', max_attempts: 1 }));
    expect(a.suite).toBe('s');
    expect(a.suite_id).toBe(suite.id);
    expect(a.priority).toBe(5);
    expect(h.c.suites.get('s').counts).toMatchObject({ total: 3, queued: 3, running: 0 });
    const w = addWorker(h.c);
    const claimed = h.c.claim(w, { max: 2 });
    expect(claimed.map((x) => x.job.id)).toEqual([a.id, b.id]);
    expect(claimed[0].suite).toMatchObject({ id: suite.id, name: 's', setup: null });
    expect(h.c.suites.get('s').counts).toMatchObject({ queued: 1, running: 2 });
    h.c.finish(a.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    h.c.finish(b.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    h.c.cancel(c.id);
    expect(h.c.suites.get('s').counts).toMatchObject({ total: 3, queued: 0, running: 0, succeeded: 1, failed: 1, cancelled: 1 });
    h.c.retry(b.id);
    h.c.retry(c.id);
    expect(h.c.suites.get(suite.id).counts).toMatchObject({ total: 3, queued: 2, succeeded: 1, failed: 0, cancelled: 0 });
    h.c.remove(c.id);
    expect(h.c.suites.get(suite.id).counts).toMatchObject({ total: 2, queued: 1 });
  });

  it('closes by itself after its idle time with the injected clock, not while work is queued', () => {
    h.c.suites.create({ name: 'idle' });
    h.c.suites.create({ name: 'busy' });
    h.c.submit({ command: ['true'], suite: 'busy' });
    h.clock.advance(3 * 60_000 - 1);
    h.c.sweep();
    expect(h.c.suites.get('idle').state).toBe('open');
    h.clock.advance(1);
    h.c.sweep();
    expect(h.c.suites.get('idle')).toMatchObject({ state: 'closed', closed_by: 'idle' });
    expect(h.c.suites.get('busy').state).toBe('open');
  });

  it('counts idleness from the last job to end, not from the last submit', () => {
    h.c.suites.create({ name: 's', idle_close_s: 60 });
    const job = h.c.submit({ command: ['true'], suite: 's' });
    const w = addWorker(h.c);
    h.c.claim(w);
    h.clock.advance(120_000);
    h.c.heartbeat(w);
    h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    h.c.sweep();
    expect(h.c.suites.get('s').state).toBe('open');
    h.clock.advance(60_000);
    h.c.sweep();
    expect(h.c.suites.get('s').state).toBe('closed');
  });

  it("adds the suite's tags to its jobs so only matching workers claim them", () => {
    h.c.suites.create({ name: 'tagged', tags: ['a100'] });
    const job = h.c.submit({ command: ['true'], suite: 'tagged', requirements: { tags: ['fast'] } });
    expect(job.requirements.tags).toEqual(['fast', 'a100']);
    const plain = addWorker(h.c, { tags: ['fast'] });
    expect(h.c.claim(plain)).toEqual([]);
    const tagged = addWorker(h.c, { tags: ['fast', 'a100'] });
    expect(h.c.claim(tagged).map((x) => x.job.id)).toEqual([job.id]);
  });

  it('hands back the waiting attempt without spending it, and stops serving the suite after 3 failed setups', () => {
    const suite = h.c.suites.create({ name: 's', setup: { command: ['false'] } });
    const job = h.c.submit({ command: ['true'], suite: 's', max_attempts: 1, max_lost_attempts: 10 });
    const w = addWorker(h.c);
    for (let strike = 1; strike <= 3; strike++) {
      const [claimed] = h.c.claim(w);
      expect(claimed.job.id).toBe(job.id);
      h.c.suites.reportHook(w, setupFailed(suite.id, [{ job_id: job.id, attempt: claimed.attempt }]));
      expect(h.c.getJob(job.id)).toMatchObject({ state: 'queued', counted_attempts: 0 });
    }
    expect(h.c.claim(w)).toEqual([]);
    const standing = h.c.suites.get('s').workers;
    expect(standing).toEqual([expect.objectContaining({ worker_id: w, state: 'banned', setup_failures: 3 })]);
    const runs = h.c.suites.hookRuns('s');
    expect(runs).toHaveLength(3);
    expect(h.c.suites.hookLog('s', runs[0].id).toString()).toBe('pip: no such package\n');
    const other = addWorker(h.c);
    expect(h.c.claim(other).map((x) => x.job.id)).toEqual([job.id]);
  });

  it("refuses to hand back an attempt the worker does not hold, and keeps nothing of the report", () => {
    const suite = h.c.suites.create({ name: 's' });
    const job = h.c.submit({ command: ['true'], suite: 's' });
    const holder = addWorker(h.c);
    const [claimed] = h.c.claim(holder);
    const stranger = addWorker(h.c);
    expect(() => h.c.suites.reportHook(stranger, setupFailed(suite.id, [{ job_id: job.id, attempt: claimed.attempt }]))).toThrow(/handed_back.0: attempt 1 of job/);
    expect(h.c.getJob(job.id).state).toBe('running');
    expect(h.c.suites.hookRuns('s')).toEqual([]);
    expect(existsSync(`${h.dataDir}/suite-logs/${suite.id}`)).toBe(false);
  });

  it('prefers, at equal priority, the jobs of a suite the worker has already set up', () => {
    h.c.suites.create({ name: 'first' });
    const second = h.c.suites.create({ name: 'second' });
    const older = h.c.submit({ command: ['true'], suite: 'first' });
    const newer = h.c.submit({ command: ['true'], suite: 'second' });
    const w = addWorker(h.c);
    h.c.suites.reportHook(w, { suite_id: second.id, hook: 'setup', outcome: 'succeeded', exit_code: 0, started_at: 0, finished_at: 0 });
    expect(h.c.claim(w).map((x) => x.job.id)).toEqual([newer.id]);
    expect(h.c.claim(w).map((x) => x.job.id)).toEqual([older.id]);
  });

  it('tells a worker to clean up a suite once it is closed and nothing of it is left queued', () => {
    const suite = h.c.suites.create({ name: 's' });
    h.c.submit({ command: ['true'], suite: 's' });
    const w = addWorker(h.c);
    h.c.suites.reportHook(w, { suite_id: suite.id, hook: 'setup', outcome: 'succeeded', started_at: 0, finished_at: 0 });
    const [claimed] = h.c.claim(w);
    expect(h.c.suites.released(w)).toEqual([]);
    h.c.suites.close('s');
    // Its running job is the agent's to wait for; the coordinator has nothing left to hand out.
    expect(h.c.suites.released(w)).toEqual([suite.id]);
    h.c.finish(claimed.job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    h.c.suites.reportHook(w, { suite_id: suite.id, hook: 'cleanup', outcome: 'succeeded', started_at: 0, finished_at: 0 });
    expect(h.c.suites.released(w)).toEqual([]);
    expect(h.c.suites.get('s').workers[0].state).toBe('cleaned');
  });

  it("keeps an explicit priority of 0 for a job of a suite; only a job that gives none takes the suite's", () => {
    h.c.suites.create({ name: 'urgent', priority: 7 });
    expect(h.c.submit({ command: ['true'], suite: 'urgent', priority: 0 }).priority).toBe(0);
    expect(h.c.submit({ command: ['true'], suite: 'urgent' }).priority).toBe(7);
    expect(h.c.submit({ command: ['true'], suite: 'urgent', priority: -3 }).priority).toBe(-3);
    const batch = h.c.submitBatch([{ command: ['true'], suite: 'urgent', priority: 0 }, { command: ['true'], suite: 'urgent' }]);
    expect(batch.map((job) => job.priority)).toEqual([0, 7]);
    expect(h.c.submit({ command: ['true'] }).priority).toBe(0);
  });

  it('closing by hand cancels its jobs not yet started, lets running ones finish, and keeps the counters right', () => {
    h.c.suites.create({ name: 's' });
    const w = addWorker(h.c);
    const running = h.c.submit({ command: ['true'], suite: 's' });
    h.c.claim(w);
    const queued = [1, 2].map(() => h.c.submit({ command: ['true'], suite: 's' }));
    const waiting = h.c.submit({ command: ['true'], suite: 's', depends_on: [running.id] });
    const outside = h.c.submit({ command: ['true'] });
    expect(h.c.suites.get('s').counts).toMatchObject({ total: 4, waiting: 1, queued: 2, running: 1 });

    const closed = h.c.suites.close('s');
    expect(closed).toMatchObject({ state: 'closed', closed_by: 'hand', cancelled_jobs: 3 });
    expect(closed.counts).toMatchObject({ total: 4, waiting: 0, queued: 0, running: 1, cancelled: 3 });
    for (const job of [...queued, waiting]) expect(h.c.getJob(job.id)).toMatchObject({ state: 'cancelled', error: 'suite "s" was closed before the job started' });
    expect(h.c.getJob(outside.id).state).toBe('queued');
    expect(h.c.getJob(running.id).state).toBe('running');

    h.c.finish(running.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.suites.get('s').counts).toMatchObject({ total: 4, running: 0, succeeded: 1, cancelled: 3 });
    expect(h.c.suites.close('s').cancelled_jobs).toBe(0);
    const closedEvent = h.c.eventsSince(0).filter((event) => event.type === 'suite.closed').at(-1);
    expect(closedEvent?.data).toMatchObject({ by: 'hand', cancelled_jobs: 3 });
  });
});
