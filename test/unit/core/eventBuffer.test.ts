import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreContext } from '../../../src/core/context';
import { openDatabase } from '../../../src/core/store/database';
import type { QueueEvent } from '../../../src/shared';
import { addWorker, openHarness, tempDir, type Harness } from '../../support/coordinator';
import { countStatements } from '../../support/statementCounter';
import { rmSync } from 'node:fs';

const INSERTS_OF_EVENTS = /^INSERT INTO events /;

function eventInserts(bySql: Map<string, number>): number {
  return [...bySql].filter(([sql]) => INSERTS_OF_EVENTS.test(sql)).reduce((sum, [, n]) => sum + n, 0);
}

describe('events of a transaction, written together before it commits', () => {
  let h: Harness;
  let heard: QueueEvent[];
  beforeEach(() => {
    h = openHarness();
    heard = [];
    h.c.subscribe((event) => heard.push(event));
  });
  afterEach(() => h.cleanup());

  it('writes a claim of ten its ten events with one INSERT, ids consecutive in emit order, as listeners hear them', () => {
    const jobs = h.c.submitBatch(Array.from({ length: 10 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c, { cpus: 64 });
    const before = h.c.lastEventId();
    heard = [];
    let claimedIds: number[] = [];
    const { bySql } = countStatements(() => (claimedIds = h.c.claim(worker, { max: 10 }).map((c) => c.job.id)));
    expect(eventInserts(bySql)).toBe(1);
    const stored = h.c.eventsSince(before);
    expect(stored.map((e) => e.type)).toEqual(Array(10).fill('job.claimed'));
    expect(stored.map((e) => e.job_id)).toEqual(claimedIds);
    expect(stored.map((e) => e.id)).toEqual(stored.map((_, i) => before + 1 + i));
    expect(heard).toEqual(stored);
    expect(claimedIds.sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id));
  });

  it('drops the events of a refused report in a finish batch and keeps the others, stored and heard alike', () => {
    h.c.submitBatch(Array.from({ length: 3 }, () => ({ command: ['true'] })));
    const worker = addWorker(h.c);
    const [a, b, c] = h.c.claim(worker, { max: 3 });
    const before = h.c.lastEventId();
    heard = [];
    const outcomes = h.c.finishMany({
      results: [
        { job_id: a.job.id, attempt: a.attempt, outcome: 'succeeded', exit_code: 0 },
        { job_id: b.job.id, attempt: b.attempt + 5, outcome: 'succeeded', exit_code: 0 },
        { job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded', exit_code: 0 },
      ],
      brief: true,
    });
    expect(outcomes[1]).toMatchObject({ job_id: b.job.id, error: { code: 'not_found' } });
    const stored = h.c.eventsSince(before);
    expect(stored.map((e) => [e.type, e.job_id])).toEqual([
      ['job.succeeded', a.job.id],
      ['job.succeeded', c.job.id],
    ]);
    expect(stored.map((e) => e.id)).toEqual([before + 1, before + 2]);
    expect(heard).toEqual(stored);
  });

  it('lets a read of the events inside a transaction see the ones emitted before it', () => {
    const before = h.c.lastEventId();
    const seen = h.c.inOneTransaction(() => {
      const job = h.c.submit({ command: ['true'] });
      return { job, events: h.c.eventsSince(before), last: h.c.lastEventId() };
    });
    expect(seen.events.map((e) => [e.type, e.job_id])).toEqual([['job.submitted', seen.job.id]]);
    expect(seen.last).toBe(seen.events[0].id);
    expect(h.c.eventsSince(before)).toEqual(seen.events);
    expect(heard).toEqual(seen.events);
  });

  it('writes nothing and publishes nothing of a transaction that throws', () => {
    const before = h.c.lastEventId();
    expect(() =>
      h.c.inOneTransaction(() => {
        h.c.submit({ command: ['true'] });
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(h.c.eventsSince(before)).toEqual([]);
    expect(heard).toEqual([]);
  });
});

describe('CoreContext.emit', () => {
  let dir: string;
  let ctx: CoreContext;
  let heard: QueueEvent[];
  beforeEach(() => {
    dir = tempDir();
    ctx = new CoreContext(openDatabase(dir), dir, () => 1_700_000_000_000, { leaseTtlMs: 1, restartGraceMs: 1, workerTimeoutMs: 1, reserveAfterMs: 1, eventRetentionMs: 1 });
    heard = [];
    ctx.subscribe((event) => heard.push(event));
  });
  afterEach(() => {
    ctx.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = (): Array<{ id: number; type: string; job_id: number | null }> => ctx.db.prepare('SELECT id, type, job_id FROM events ORDER BY id').all() as Array<{ id: number; type: string; job_id: number | null }>;

  it('writes and publishes an event emitted outside a transaction at once', () => {
    ctx.emit('job.submitted', 7, null, { why: 'alone' });
    expect(stored()).toEqual([{ id: 1, type: 'job.submitted', job_id: 7 }]);
    expect(heard).toEqual([{ id: 1, at: 1_700_000_000_000, type: 'job.submitted', job_id: 7, worker_id: null, data: { why: 'alone' } }]);
  });

  it('writes more events than one INSERT holds with consecutive ids', () => {
    ctx.tx(() => {
      for (let i = 1; i <= 150; i++) ctx.emit('job.submitted', i, null);
    });
    const rows = stored();
    expect(rows.map((r) => r.job_id)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(rows.map((r) => r.id)).toEqual(heard.map((e) => e.id));
    expect(heard.map((e) => e.job_id)).toEqual(rows.map((r) => r.job_id));
  });
});
