import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueEvent } from '../../../src/shared';
import { openHarness, type Harness } from '../../support/coordinator';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const GPUS = [0, 1].map((index) => ({ index, model: 'A100', memory_total_mb: 80_000 }));

let h: Harness;
beforeEach(() => {
  h = openHarness();
});
afterEach(() => h.cleanup());

function gpuWorker(name = 'box', tags: string[] = []): string {
  return h.c.registerWorker({ name, cpus: 16, memory_mb: 64_000, gpus: GPUS, tags }).id;
}

/** One heartbeat a minute for `minutes`, every GPU at `util` %. */
function beatFor(worker: string, minutes: number, util: number): void {
  for (let i = 0; i < minutes; i++) {
    h.clock.advance(MINUTE);
    h.c.heartbeat(worker, { gpu_samples: GPUS.map((g) => ({ index: g.index, utilization_pct: util, memory_used_mb: 1000, memory_total_mb: 80_000, temperature_c: 40, power_w: 60 })) });
  }
}

describe('GPU-hours', () => {
  it('counts a whole GPU fully and a shared GPU by each job’s declared memory share', () => {
    h.c.createProject({ name: 'whole' });
    h.c.createProject({ name: 'shared' });
    const worker = gpuWorker();
    const a = h.c.submit({ project: 'whole', command: ['train'], requirements: { gpus: 1 } });
    const b = h.c.submit({ project: 'shared', command: ['eval'], requirements: { gpus: 1, gpu_memory_mb: 20_000 } });
    const c = h.c.submit({ project: 'shared', command: ['eval'], requirements: { gpus: 1, gpu_memory_mb: 20_000 } });
    const claimed = h.c.claim(worker, { max: 3 });
    expect(claimed.map((x) => x.job.id)).toEqual([a.id, b.id, c.id]);
    expect(new Set(claimed.slice(1).map((x) => x.gpus[0].index)).size).toBe(1);
    h.clock.advance(2 * HOUR);
    for (const x of claimed) h.c.finish(x.job.id, { attempt: x.attempt, outcome: 'succeeded', exit_code: 0 });

    const report = h.c.operations.stats({ sinceMs: 7 * 24 * HOUR, by: 'project' });
    const hours = Object.fromEntries(report.groups.map((g) => [g.key, g.gpu_hours]));
    expect(hours.whole).toBeCloseTo(2);
    expect(hours.shared).toBeCloseTo(1);
    expect(report.total.gpu_hours).toBeCloseTo(3);
    expect(report.groups.find((g) => g.key === 'shared')?.attempts).toBe(2);
  });

  it('counts only the part of an attempt inside the period, and still-running attempts up to now', () => {
    const worker = gpuWorker();
    const job = h.c.submit({ command: ['train'], requirements: { gpus: 2 } });
    h.c.claim(worker, { max: 1 });
    h.clock.advance(10 * HOUR);
    const report = h.c.operations.stats({ sinceMs: 4 * HOUR, by: 'worker' });
    expect(report.groups).toEqual([{ key: 'box', gpu_hours: 8, idle_gpu_hours: 0, attempts: 1 }]);
    expect(h.c.getJob(job.id).state).toBe('running');
  });

  it('groups by label, a job with several labels under each and one with none under (none)', () => {
    const worker = gpuWorker('box', ['nightly', 'a100']);
    h.c.submit({ command: ['x'], requirements: { gpus: 1, tags: ['nightly', 'a100'] } });
    h.c.submit({ command: ['y'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 2 });
    h.clock.advance(HOUR);
    const keys = Object.fromEntries(h.c.operations.stats({ sinceMs: 24 * HOUR, by: 'label' }).groups.map((g) => [g.key, g.gpu_hours]));
    expect(keys).toEqual({ nightly: 1, a100: 1, '(none)': 1 });
  });

  it('refuses a period of nothing, naming the field', () => {
    expect(() => h.c.operations.stats({ sinceMs: 0, by: 'project' })).toThrow(/since/);
  });
});

describe('idle GPU detection', () => {
  it('flags an attempt whose GPU stays at or under 2 % for 15 minutes, once, and counts its idle GPU-hours', () => {
    const events: QueueEvent[] = [];
    h.c.subscribe((e) => events.push(e));
    const worker = gpuWorker();
    const job = h.c.submit({ command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });

    beatFor(worker, 14, 1);
    expect(h.c.operations.detectIdleGpus()).toBe(0);
    beatFor(worker, 2, 2);
    expect(h.c.operations.detectIdleGpus()).toBe(1);
    expect(h.c.operations.idleGpus()).toMatchObject([{ job_id: job.id, attempt: 1, worker: 'box', gpu: 0 }]);

    beatFor(worker, 10, 0);
    expect(h.c.operations.detectIdleGpus()).toBe(1);
    expect(events.filter((e) => e.type === 'attempt.idle_gpu')).toHaveLength(1);

    beatFor(worker, 1, 60);
    expect(h.c.operations.detectIdleGpus()).toBe(0);
    expect(h.c.operations.idleGpus()).toEqual([]);

    const report = h.c.operations.stats({ sinceMs: 24 * HOUR, by: 'project' });
    // Idle from the start of the first idle window (minute 1) to the last idle check (minute 26).
    expect(report.total.idle_gpu_hours * 60).toBeCloseTo(25);
    expect(report.total.idle_share).toBeCloseTo(25 / 27);
  });

  it('does not flag a busy GPU, an attempt younger than the window, or a GPU whose samples stopped', () => {
    const worker = gpuWorker();
    h.c.submit({ command: ['busy'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    beatFor(worker, 20, 3);
    expect(h.c.operations.detectIdleGpus()).toBe(0);

    h.c.submit({ command: ['young'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    beatFor(worker, 5, 0);
    expect(h.c.operations.detectIdleGpus()).toBe(0);

    beatFor(worker, 15, 0);
    h.clock.advance(5 * MINUTE);
    expect(h.c.operations.detectIdleGpus()).toBe(0);
  });

  it('takes the window from the options and checks from the sweep', () => {
    h.reopen({ idleGpuMinutes: 5 });
    const worker = gpuWorker();
    h.c.submit({ command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    beatFor(worker, 6, 0);
    h.c.sweep();
    expect(h.c.operations.idleGpus()).toHaveLength(1);
    expect(h.c.operations.stats({ sinceMs: HOUR, by: 'project' }).idle_rule).toEqual({ threshold_pct: 2, minutes: 5 });
  });

  it('closes the idle flag when the attempt ends', () => {
    const worker = gpuWorker();
    const job = h.c.submit({ command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    beatFor(worker, 16, 0);
    expect(h.c.operations.detectIdleGpus()).toBe(1);
    h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.operations.detectIdleGpus()).toBe(0);
  });
});

describe('jobs per hour', () => {
  it('counts submissions and final states per hour from the kept table', () => {
    const worker = gpuWorker();
    h.c.submit({ command: ['a'] });
    h.c.submit({ command: ['b'] });
    const [x, y] = h.c.claim(worker, { max: 2 });
    h.clock.advance(HOUR);
    h.c.finish(x.job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    h.c.cancel(y.job.id);
    const points = h.c.operations.stats({ sinceMs: 24 * HOUR, by: 'project' }).jobs_per_hour;
    expect(points.map((p) => p.counts)).toEqual([{ submitted: 2 }, { succeeded: 1, cancelled: 1 }]);
  });
});
