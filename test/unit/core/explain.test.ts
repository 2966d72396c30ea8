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
});
