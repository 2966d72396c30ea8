import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../support/coordinator';

const MINUTE = 60_000;

describe('sweep-done notifications', () => {
  let h: Harness;
  beforeEach(() => {
    h = openHarness({ leaseTtlMs: 86_400_000, workerTimeoutMs: 86_400_000 });
  });
  afterEach(() => h.cleanup());

  const sweepDone = () => h.c.operations.notifications.deliveries().filter((d) => d.on === 'sweep-done');
  const addRule = () => h.c.operations.notifications.addRule({ on: 'sweep-done', webhook: 'http://127.0.0.1:9/hook' });
  const worker = () => h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 8000 }).id;
  const finish = (w: string, outcome: 'succeeded' | 'failed') => {
    const [claimed] = h.c.claim(w, { max: 1 });
    h.c.finish(claimed.job.id, { attempt: claimed.attempt, outcome, exit_code: outcome === 'succeeded' ? 0 : 1 });
    return claimed.job.id;
  };

  it('reports a sweep once every job of it is final, counting those that did not succeed, and a one-off job never', () => {
    addRule();
    const w = worker();
    h.c.submitBatch([{ command: ['a'] }, { command: ['b'] }, { command: ['c'] }]);
    h.clock.advance(1);
    h.c.submit({ command: ['one-off'] });
    finish(w, 'succeeded');
    finish(w, 'failed');
    expect(sweepDone()).toEqual([]);
    finish(w, 'succeeded');
    finish(w, 'succeeded');
    expect(sweepDone()).toHaveLength(1);
    expect(sweepDone()[0]).toMatchObject({ title: 'Sweep finished in default', text: '3 jobs finished: 1 did not succeed' });
  });

  it('waits for a retried job to end again', () => {
    addRule();
    const w = worker();
    h.c.submitBatch([{ command: ['a'] }, { command: ['b'] }]);
    const failed = finish(w, 'failed');
    h.c.retry(failed);
    finish(w, 'succeeded');
    expect(sweepDone()).toEqual([]);
    finish(w, 'succeeded');
    expect(sweepDone().map((d) => d.text)).toEqual(['2 jobs finished: all succeeded']);
  });

  it('neither loses nor doubles a sweep-done notification across a coordinator restart', () => {
    addRule();
    const w = worker();
    h.c.submitBatch([{ command: ['a'] }, { command: ['b'] }, { command: ['c'] }]);
    finish(w, 'succeeded');
    h.reopen();
    finish(w, 'succeeded');
    finish(w, 'succeeded');
    expect(sweepDone()).toHaveLength(1);
    h.reopen();
    expect(sweepDone()).toHaveLength(1);
  });

  it('applies at start the events a stopped coordinator committed but had not notified', () => {
    addRule();
    const w = worker();
    h.c.submitBatch([{ command: ['a'] }, { command: ['b'] }]);
    finish(w, 'succeeded');
    const raw = new Database(join(h.dataDir, 'gantry.db'));
    const cursor = raw.prepare("SELECT value FROM meta WHERE key = 'notify_event_cursor'").get() as { value: string };
    const batches = raw.prepare('SELECT * FROM sweep_batches').all() as Array<Record<string, number>>;
    finish(w, 'succeeded');
    expect(sweepDone()).toHaveLength(1);
    // What a crash between the finish's commit and the notifier's leaves: the job final, the notifier's writes not made.
    raw.transaction(() => {
      raw.prepare("UPDATE meta SET value = ? WHERE key = 'notify_event_cursor'").run(cursor.value);
      raw.prepare('DELETE FROM sweep_batches').run();
      for (const b of batches) raw.prepare('INSERT INTO sweep_batches (project_id, created_at, jobs, open, failed) VALUES (?, ?, ?, ?, ?)').run(b.project_id, b.created_at, b.jobs, b.open, b.failed);
      raw.prepare("DELETE FROM notify_deliveries WHERE event = 'sweep-done'").run();
    })();
    raw.close();
    expect(sweepDone()).toEqual([]);
    h.reopen();
    expect(sweepDone().map((d) => d.text)).toEqual(['2 jobs finished: all succeeded']);
  });
});

describe('idle-gpu notifications', () => {
  let h: Harness;
  beforeEach(() => {
    h = openHarness();
  });
  afterEach(() => h.cleanup());

  it('queues a delivery when an attempt’s GPU is flagged idle, for a rule of that project', () => {
    h.c.createProject({ name: 'vision' });
    h.c.operations.notifications.addRule({ on: 'idle-gpu', project: 'vision', webhook: 'http://127.0.0.1:9/hook' });
    h.c.operations.notifications.addRule({ on: 'idle-gpu', project: 'default', webhook: 'http://127.0.0.1:9/other' });
    const worker = h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 8000, gpus: [{ index: 0, model: 'T4', memory_total_mb: 15_360 }] }).id;
    const job = h.c.submit({ project: 'vision', command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    for (let i = 0; i < 16; i++) {
      h.clock.advance(MINUTE);
      h.c.heartbeat(worker, { gpu_samples: [{ index: 0, utilization_pct: 0, memory_used_mb: 10, memory_total_mb: 15_360, temperature_c: 30, power_w: 20 }] });
    }
    expect(h.c.operations.detectIdleGpus()).toBe(1);
    const log = h.c.operations.notifications.deliveries();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ on: 'idle-gpu', state: 'pending', title: `Job #${job.id} holds an idle GPU` });
    expect(log[0].text).toContain('for 15 minutes');
  });
});
