import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reason } from '../../../src/shared';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const codes = (id: number) => h.c.explain(id).reasons.map((r) => r.code);
const reason = <C extends Reason['code']>(id: number, code: C) => h.c.explain(id).reasons.find((r) => r.code === code) as Extract<Reason, { code: C }>;

describe('explain', () => {
  it('names the dependencies a waiting job waits on', () => {
    const dep = h.c.submit({ command: ['prep'], name: 'prepare data' });
    const job = h.c.submit({ command: ['train'], depends_on: [dep.id] });
    const r = reason(job.id, 'waiting_on_dependencies');
    expect(r.jobs).toEqual([{ id: dep.id, name: 'prepare data', state: 'queued' }]);
    expect(r.message).toMatch(/prepare data/);
  });

  it('names the failed job at the root of a blocked chain', () => {
    const root = makeJob(h.c, 'failed', { name: 'root' });
    const mid = h.c.submit({ command: ['mid'], depends_on: [root.id] });
    const leaf = h.c.submit({ command: ['leaf'], depends_on: [mid.id] });
    expect(reason(leaf.id, 'blocked_by').job).toMatchObject({ id: root.id, state: 'failed' });
  });

  it('says when no worker is online', () => {
    expect(codes(h.c.submit({ command: ['x'] }).id)).toEqual(['no_online_workers']);
  });

  it('says when no online worker has the tags', () => {
    addWorker(h.c, { tags: ['cpu'] });
    const r = reason(h.c.submit({ command: ['x'], requirements: { tags: ['a100'] } }).id, 'no_worker_with_tags');
    expect(r.tags).toEqual(['a100']);
  });

  it('gives the largest amounts seen when no worker is large enough', () => {
    addWorker(h.c, { gpus: [{ index: 0, model: 'RTX 4090', memory_total_mb: 24_564 }] });
    addWorker(h.c, { gpus: [{ index: 0, model: 'A100', memory_total_mb: 40_960 }, { index: 1, model: 'A100', memory_total_mb: 40_960 }] });
    expect(reason(h.c.submit({ command: ['x'], requirements: { gpus: 4 } }).id, 'no_worker_large_enough')).toMatchObject({ resource: 'gpus', needed: 4, largest: 2 });
    expect(reason(h.c.submit({ command: ['x'], requirements: { gpus: 1, gpu_memory_mb: 60_000 } }).id, 'no_worker_large_enough')).toMatchObject({ resource: 'gpu_memory_mb', largest: 40_960 });
    expect(reason(h.c.submit({ command: ['x'], requirements: { gpus: 1, gpu_models: ['H100'] } }).id, 'no_worker_large_enough')).toMatchObject({ resource: 'gpu_models' });
    expect(reason(h.c.submit({ command: ['x'], requirements: { cpus: 64 } }).id, 'no_worker_large_enough')).toMatchObject({ resource: 'cpus', largest: 8 });
  });

  it('says a worker fits but is busy, with the most free seen, and counts jobs ahead', () => {
    const w = addWorker(h.c, { gpus: [{ index: 0, model: 'H100', memory_total_mb: 81_559 }] });
    h.c.submit({ command: ['hog'], requirements: { gpus: 1 } });
    h.c.claim(w);
    const ahead = h.c.submit({ command: ['a'], priority: 5, requirements: { gpus: 1 } });
    const job = h.c.submit({ command: ['b'], requirements: { gpus: 1 } });
    expect(codes(job.id)).toEqual(['insufficient_free_resources', 'worker_fits_but_busy', 'jobs_ahead']);
    expect(reason(job.id, 'insufficient_free_resources')).toMatchObject({ resource: 'gpus', needed: 1, largest_free: 0 });
    expect(reason(job.id, 'jobs_ahead').count).toBe(1);
    expect(reason(ahead.id, 'worker_fits_but_busy').workers).toEqual([w]);
  });

  it('says the worker with room is held for an older big job ahead, which runs first', () => {
    h.reopen({ reserveAfterMs: 60_000 });
    const w = addWorker(h.c, { cpus: 8 });
    h.c.submit({ command: ['hog'], priority: 100, requirements: { cpus: 4 } });
    h.c.claim(w);
    const big = h.c.submit({ command: ['big'], priority: 10, requirements: { cpus: 8 } });
    const small = h.c.submit({ command: ['small'], requirements: { cpus: 1 } });
    expect(codes(small.id)).toEqual(['ready', 'jobs_ahead']);
    h.clock.advance(61_000);
    h.c.heartbeat(w, {});
    expect(reason(small.id, 'workers_reserved')).toMatchObject({ workers: [w], for_job: { id: big.id } });
    expect(h.c.claim(w)).toEqual([]);
  });

  it('says ready when a worker can take it now', () => {
    addWorker(h.c);
    expect(codes(h.c.submit({ command: ['x'] }).id)).toEqual(['ready']);
  });

  it('says a finished job is not pending', () => {
    expect(h.c.explain(makeJob(h.c, 'succeeded').id).summary).toBe('the job is succeeded');
  });

  it('says ready for a CPU job behind thousands of GPU jobs a CPU worker cannot run, and the claim agrees', () => {
    h.c.submitBatch(Array.from({ length: 3_000 }, (_, i) => ({ command: ['train', String(i)], requirements: { gpus: 1 } })));
    const job = h.c.submit({ command: ['echo', 'hi'] });
    const w = addWorker(h.c, { cpus: 8 });
    expect(codes(job.id)).toEqual(['ready', 'jobs_ahead']);
    expect(h.c.claim(w, { max: 10 }).map((c) => c.job.id)).toEqual([job.id]);
  });

  it('does not say ready when jobs ranked ahead take the room the job would need', () => {
    const w = addWorker(h.c, { cpus: 2 });
    const first = h.c.submit({ command: ['first'], requirements: { cpus: 2 } });
    const second = h.c.submit({ command: ['second'], requirements: { cpus: 2 } });
    expect(codes(first.id)).toEqual(['ready']);
    expect(reason(second.id, 'worker_fits_but_busy').message).toMatch(/jobs ranked ahead of it take that room first/);
    expect(h.c.claim(w, { max: 10 }).map((c) => c.job.id)).toEqual([first.id]);
  });

  it('counts as ahead every queued job ranked before the job, of any shape, those waiting out a retry delay included', () => {
    const shapes = [{}, { tags: ['gpu'] }, { cpus: 2 }];
    const jobs = h.c.submitBatch(Array.from({ length: 24 }, (_, i) => ({ command: ['x'], priority: (i * 5) % 3, requirements: shapes[i % 3], max_attempts: 2, retry_delay_s: 60 })));
    const worker = addWorker(h.c, { tags: ['gpu'] });
    for (const c of h.c.claim(worker, { max: 4 })) h.c.finish(c.job.id, { attempt: c.attempt, outcome: 'failed', exit_code: 1 });
    h.c.claim(worker, { max: 2 });
    const queued = h.c.listJobs({ state: 'queued', limit: 100 }).jobs;
    expect(queued.filter((j) => j.retry_at !== null)).toHaveLength(4);
    for (const job of [jobs[23], jobs[12], queued.find((j) => j.retry_at !== null)!]) {
      const target = queued.find((j) => j.id === job.id)!;
      const ahead = queued.filter((j) => j.priority > target.priority || (j.priority === target.priority && j.id < target.id)).length;
      expect(reason(job.id, 'jobs_ahead')?.count ?? 0).toBe(ahead);
    }
  });

  it('says when a failed job retries, in seconds', () => {
    const w = addWorker(h.c);
    const job = h.c.submit({ command: ['flaky'], max_attempts: 2, retry_delay_s: 40 });
    h.c.claim(w);
    h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    expect(reason(job.id, 'retry_delay')).toMatchObject({ seconds: 40, message: expect.stringMatching(/^retrying in 40 s/) as unknown });
    h.clock.advance(30_000);
    expect(h.c.explain(job.id).summary).toMatch(/^retrying in 10 s/);
    h.clock.advance(10_000);
    expect(codes(job.id)).toEqual(['ready']);
  });
});

describe('unrunnable queued jobs in the counts', () => {
  it('counts queued jobs no worker ever seen could run, per filter', () => {
    h.c.createProject({ name: 'vision' });
    h.c.submitBatch(Array.from({ length: 4 }, () => ({ command: ['gpu'], requirements: { gpus: 1 } })));
    h.c.submit({ project: 'vision', command: ['gpu'], requirements: { gpus: 1 } });
    h.c.submit({ command: ['cpu'] });
    expect(h.c.countJobs().unrunnable).toBe(0);
    const w = addWorker(h.c, { cpus: 8 });
    expect(h.c.countJobs()).toMatchObject({ queued: 6, unrunnable: 5 });
    expect(h.c.countJobs({ project: 'vision' })).toMatchObject({ queued: 1, unrunnable: 1 });
    expect(h.c.countJobs({ text: 'cpu' }).unrunnable).toBe(0);
    expect(h.c.countJobs({ state: 'running' }).unrunnable).toBe(0);
    h.c.deregisterWorker(w);
    h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: [{ index: 0, model: 'NVIDIA A100', memory_total_mb: 40_960 }] });
    expect(h.c.countJobs().unrunnable).toBe(0);
  });
});
