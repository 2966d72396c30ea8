import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/shared';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

describe('listJobs', () => {
  it('pages newest first with a cursor until the end, without repeats', () => {
    const ids = h.c.submitBatch(Array.from({ length: 25 }, (_, i) => ({ command: ['x', String(i)] }))).map((j) => j.id);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = h.c.listJobs({ limit: 10, cursor });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('pages in claim order with sort=priority', () => {
    const jobs = h.c.submitBatch([0, 5, 5, -3, 9].map((priority) => ({ command: ['x'], priority })));
    const first = h.c.listJobs({ sort: 'priority', limit: 2 });
    const rest = h.c.listJobs({ sort: 'priority', limit: 10, cursor: first.next_cursor ?? undefined });
    expect([...first.jobs, ...rest.jobs].map((j) => j.priority)).toEqual([9, 5, 5, 0, -3]);
    expect(first.jobs[1].id).toBe(jobs[1].id);
  });

  it('pages the queued jobs in claim order', () => {
    h.c.submitBatch([3, 1, 3, 2].map((priority) => ({ command: ['x'], priority })));
    makeJob(h.c, 'succeeded', { priority: 99 });
    const first = h.c.listJobs({ state: 'queued', sort: 'priority', limit: 3 });
    const rest = h.c.listJobs({ state: ['queued'], sort: 'priority', limit: 3, cursor: first.next_cursor ?? undefined });
    expect([...first.jobs, ...rest.jobs].map((j) => j.priority)).toEqual([3, 3, 2, 1]);
  });

  it('pages the queued jobs of every shape in claim order, those waiting out a retry delay included, as one sorted list would', () => {
    h.c.createProject({ name: 'vision' });
    const shapes = [{}, { tags: ['gpu'] }, { cpus: 2 }];
    h.c.submitBatch(Array.from({ length: 30 }, (_, i) => ({ command: ['x'], priority: (i * 7) % 4, project: i % 2 ? 'vision' : undefined, requirements: shapes[i % 3], max_attempts: 2, retry_delay_s: 60 })));
    const worker = addWorker(h.c, { tags: ['gpu'], cpus: 16 });
    const claimed = h.c.claim(worker, { max: 6 });
    for (const c of claimed.slice(0, 3)) h.c.finish(c.job.id, { attempt: c.attempt, outcome: 'failed', exit_code: 1 });
    h.c.finish(claimed[3].job.id, { attempt: claimed[3].attempt, outcome: 'succeeded', exit_code: 0 });
    const all = h.c.listJobs({ limit: 100 }).jobs;
    expect(all.filter((j) => j.state === 'queued' && j.retry_at !== null)).toHaveLength(3);
    const inClaimOrder = (keep: (job: Job) => boolean) => all.filter((j) => j.state === 'queued' && keep(j))
      .sort((a, b) => b.priority - a.priority || a.id - b.id).map((j) => j.id);
    const paged = (filter: { project?: string; tag?: string }) => {
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const page = h.c.listJobs({ state: 'queued', sort: 'priority', limit: 4, ...filter, cursor });
        ids.push(...page.jobs.map((j) => j.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return ids;
    };
    expect(paged({})).toEqual(inClaimOrder(() => true));
    expect(paged({ project: 'vision' })).toEqual(inClaimOrder((j) => j.project === 'vision'));
    expect(paged({ tag: 'gpu' })).toEqual(inClaimOrder((j) => j.requirements.tags.includes('gpu')));
    expect(paged({ tag: 'gpu' }).length).toBeGreaterThan(4);
  });

  it('lists succeeded jobs alone and with other states', () => {
    const done = makeJob(h.c, 'succeeded');
    makeJob(h.c, 'queued');
    expect(h.c.listJobs({ state: 'succeeded' }).jobs.map((j) => j.id)).toEqual([done.id]);
    expect(h.c.listJobs({ state: ['succeeded', 'queued'] }).jobs).toHaveLength(2);
  });

  it('filters by project, state, tag and text', () => {
    h.c.createProject({ name: 'vision' });
    const v = h.c.submit({ project: 'vision', command: ['python', 'resnet.py'], requirements: { tags: ['gpu'] } });
    h.c.submit({ command: ['python', 'bert.py'] });
    const cancelled = makeJob(h.c, 'cancelled', { command: ['python', 'resnet_big.py'] });
    expect(h.c.listJobs({ project: 'vision' }).jobs.map((j) => j.id)).toEqual([v.id]);
    expect(h.c.listJobs({ tag: 'gpu' }).jobs.map((j) => j.id)).toEqual([v.id]);
    expect(h.c.listJobs({ text: 'RESNET' }).jobs.map((j) => j.id)).toEqual([cancelled.id, v.id]);
    expect(h.c.listJobs({ state: 'cancelled' }).jobs.map((j) => j.id)).toEqual([cancelled.id]);
    expect(h.c.listJobs({ state: ['cancelled', 'queued'], text: 'resnet' }).jobs).toHaveLength(2);
    expect(h.c.listJobs({ project: 'nope' }).jobs).toEqual([]);
  });

  it('lists just the jobs asked for by id', () => {
    const [a, , c] = h.c.submitBatch([1, 2, 3].map(() => ({ command: ['x'] })));
    expect(h.c.listJobs({ ids: [c.id, a.id, 999] }).jobs.map((j) => j.id)).toEqual([c.id, a.id]);
    expect(h.c.countJobs({ ids: [a.id] }).total).toBe(1);
  });

  it('treats % and _ in text search literally', () => {
    h.c.submit({ command: ['echo', '100%'] });
    h.c.submit({ command: ['echo', '1000'] });
    expect(h.c.listJobs({ text: '0%' }).jobs).toHaveLength(1);
  });

  it('refuses a damaged cursor and a bad limit, naming the field', () => {
    expect(() => h.c.listJobs({ cursor: 'garbage!' })).toThrow(/cursor/);
    expect(() => h.c.listJobs({ limit: 0 })).toThrow(/limit/);
  });
});

describe('countJobs', () => {
  it('counts per state and adds up, with and without filters', () => {
    h.c.createProject({ name: 'p' });
    makeJob(h.c, 'queued', { project: 'p', requirements: { tags: ['t'] } });
    makeJob(h.c, 'succeeded');
    makeJob(h.c, 'failed', { project: 'p' });
    const all = h.c.countJobs();
    expect(all).toMatchObject({ queued: 1, succeeded: 1, failed: 1, total: 3 });
    expect(h.c.countJobs({ project: 'p' })).toMatchObject({ queued: 1, failed: 1, total: 2 });
    expect(h.c.countJobs({ tag: 't' }).total).toBe(1);
    expect(h.c.countJobs({ state: 'failed' }).total).toBe(1);
  });
});
