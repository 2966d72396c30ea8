import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorker, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness({ reserveAfterMs: 60_000 })));
afterEach(() => h.cleanup());

const H100 = (index: number) => ({ index, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81_559 });
const claimedIds = (workerId: string, max = 100) => h.c.claim(workerId, { max }).map((c) => c.job.id);

describe('claim order', () => {
  it('hands out higher priority first, FIFO within a priority', () => {
    const low = h.c.submit({ command: ['low'], priority: -1 });
    const a = h.c.submit({ command: ['a'] });
    const high = h.c.submit({ command: ['high'], priority: 5 });
    const b = h.c.submit({ command: ['b'] });
    const worker = addWorker(h.c, { cpus: 100 });
    expect(claimedIds(worker)).toEqual([high.id, a.id, b.id, low.id]);
  });

  it('never hands a job out twice', () => {
    h.c.submit({ command: ['x'] });
    const w1 = addWorker(h.c);
    const w2 = addWorker(h.c);
    expect(claimedIds(w1)).toHaveLength(1);
    expect(claimedIds(w2)).toEqual([]);
  });

  it('gives nothing to a draining worker and refuses an offline one', () => {
    h.c.submit({ command: ['x'] });
    const w = addWorker(h.c);
    h.c.setWorkerState(w, 'draining');
    expect(claimedIds(w)).toEqual([]);
    h.c.deregisterWorker(w);
    expect(() => h.c.claim(w)).toThrow(/offline/);
  });
});

describe('fitting', () => {
  it('only hands out jobs whose tags the worker has', () => {
    const tagged = h.c.submit({ command: ['x'], requirements: { tags: ['a100', 'fast'] } });
    const plain = addWorker(h.c, { tags: ['a100'] });
    expect(claimedIds(plain)).toEqual([]);
    const both = addWorker(h.c, { tags: ['a100', 'fast', 'other'] });
    expect(claimedIds(both)).toEqual([tagged.id]);
  });

  it('counts cpus and memory of running jobs against the worker', () => {
    for (let i = 0; i < 5; i++) h.c.submit({ command: ['x'], requirements: { cpus: 2, memory_mb: 1000 } });
    const w = addWorker(h.c, { cpus: 4, memory_mb: 100_000 });
    expect(claimedIds(w)).toHaveLength(2);
    expect(claimedIds(w)).toHaveLength(0);
  });

  it('respects the free resources the worker reports', () => {
    h.c.submit({ command: ['x'], requirements: { cpus: 2 } });
    const w = addWorker(h.c, { cpus: 8 });
    expect(h.c.claim(w, { max: 5, free: { cpus: 1 } })).toHaveLength(0);
    expect(h.c.claim(w, { max: 5, free: { cpus: 2 } })).toHaveLength(1);
  });

  it('packs several small jobs onto one 80 GB GPU while their declared memory fits', () => {
    for (let i = 0; i < 12; i++) h.c.submit({ command: ['x'], requirements: { gpus: 1, gpu_memory_mb: 8000, cpus: 0 } });
    const w = addWorker(h.c, { cpus: 64, gpus: [H100(0)] });
    const claimed = h.c.claim(w, { max: 100 });
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed.map((c) => c.cuda_visible_devices))).toEqual(new Set(['0']));
  });

  it('gives whole-GPU jobs only GPUs nothing of ours is on, and sets CUDA_VISIBLE_DEVICES', () => {
    const small = h.c.submit({ command: ['small'], priority: 10, requirements: { gpus: 1, gpu_memory_mb: 4000 } });
    const whole = h.c.submit({ command: ['whole'], requirements: { gpus: 2 } });
    const w = addWorker(h.c, { gpus: [H100(0), H100(1), H100(2)] });
    const claimed = h.c.claim(w, { max: 5 });
    expect(claimed.map((c) => c.job.id)).toEqual([small.id, whole.id]);
    expect(claimed[0].cuda_visible_devices).toBe('0');
    expect(claimed[1].cuda_visible_devices).toBe('1,2');
    h.c.submit({ command: ['another'], requirements: { gpus: 1 } });
    expect(claimedIds(w)).toEqual([]);
  });

  it('packs shared jobs best-fit so whole GPUs stay free', () => {
    h.c.submit({ command: ['a'], requirements: { gpus: 1, gpu_memory_mb: 40_000 } });
    h.c.submit({ command: ['b'], requirements: { gpus: 1, gpu_memory_mb: 30_000 } });
    const whole = h.c.submit({ command: ['whole'], requirements: { gpus: 1 } });
    const w = addWorker(h.c, { gpus: [H100(0), H100(1)] });
    const claimed = h.c.claim(w, { max: 5 });
    expect(claimed.map((c) => c.cuda_visible_devices)).toEqual(['0', '0', '1']);
    expect(claimed[2].job.id).toBe(whole.id);
  });

  it('restricts jobs to the GPU models they name on a mixed node', () => {
    const job = h.c.submit({ command: ['x'], requirements: { gpus: 1, gpu_models: ['a100'] } });
    const w = addWorker(h.c, { gpus: [{ index: 0, model: 'Tesla T4', memory_total_mb: 15_360 }, { index: 1, model: 'NVIDIA A100-SXM4-40GB', memory_total_mb: 40_960 }] });
    const [claimed] = h.c.claim(w);
    expect(claimed.job.id).toBe(job.id);
    expect(claimed.cuda_visible_devices).toBe('1');
  });

  it('trusts the driver when other processes hold GPU memory', () => {
    h.c.submit({ command: ['x'], requirements: { gpus: 1, gpu_memory_mb: 20_000 } });
    const w = addWorker(h.c, { gpus: [H100(0)] });
    expect(h.c.claim(w, { free: { gpus: [{ index: 0, memory_free_mb: 10_000 }] } })).toHaveLength(0);
    expect(h.c.claim(w, { free: { gpus: [{ index: 0, memory_free_mb: 70_000 }] } })).toHaveLength(1);
  });
});

describe('starvation', () => {
  it('lets smaller jobs behind a job that does not fit run (backfill)', () => {
    const big = h.c.submit({ command: ['big'], priority: 10, requirements: { cpus: 8 } });
    const small = h.c.submit({ command: ['small'], requirements: { cpus: 1 } });
    const w = addWorker(h.c, { cpus: 8 });
    h.c.submit({ command: ['hog'], priority: 100, requirements: { cpus: 4 } });
    expect(claimedIds(w, 1)).toHaveLength(1);
    expect(claimedIds(w)).toEqual([small.id]);
    expect(h.c.getJob(big.id).state).toBe('queued');
  });

  it('reserves the worker for a job that has waited past the reservation age, so it is not starved', () => {
    const w = addWorker(h.c, { cpus: 8 });
    const hog = h.c.submit({ command: ['hog'], priority: 100, requirements: { cpus: 4 } });
    expect(claimedIds(w, 1)).toEqual([hog.id]);
    const big = h.c.submit({ command: ['big'], priority: 10, requirements: { cpus: 8 } });
    for (let i = 0; i < 3; i++) h.c.submit({ command: ['small'], requirements: { cpus: 1 } });
    expect(claimedIds(w, 1)).toHaveLength(1);
    h.clock.advance(61_000);
    h.c.heartbeat(w, {});
    expect(claimedIds(w)).toEqual([]);
    const running = h.c.listJobs({ state: 'running' }).jobs;
    for (const job of running) h.c.finish(job.id, { attempt: job.attempt, outcome: 'succeeded', exit_code: 0 });
    expect(claimedIds(w, 1)).toEqual([big.id]);
  });

  it('does not let a job that can never fit a worker reserve it', () => {
    h.c.submit({ command: ['huge'], priority: 10, requirements: { cpus: 64 } });
    const small = h.c.submit({ command: ['small'] });
    h.clock.advance(3_600_000);
    expect(claimedIds(addWorker(h.c, { cpus: 8 }))).toEqual([small.id]);
  });

  it('finds a job that fits behind a backlog larger than any scan window that can never run here', () => {
    h.c.submitBatch(Array.from({ length: 5_000 }, (_, i) => ({ command: ['train', String(i)], requirements: { gpus: 1 } })));
    const cpuJob = h.c.submit({ command: ['echo', 'hi'] });
    const w = addWorker(h.c, { cpus: 8 });
    expect(claimedIds(w)).toEqual([cpuJob.id]);
  });

  it('keeps priority order across requirement shapes, and a reservation made by one shape holds back the others', () => {
    const w = addWorker(h.c, { cpus: 8 });
    const hog = h.c.submit({ command: ['hog'], priority: 100, requirements: { cpus: 4 } });
    expect(claimedIds(w, 1)).toEqual([hog.id]);
    const first = h.c.submit({ command: ['first'], priority: 20, requirements: { cpus: 2 } });
    const big = h.c.submit({ command: ['big'], priority: 10, requirements: { cpus: 8 } });
    h.clock.advance(61_000);
    h.c.heartbeat(w, {});
    const late = h.c.submit({ command: ['late'], priority: 5, requirements: { cpus: 1 } });
    expect(claimedIds(w)).toEqual([first.id]);
    expect(h.c.getJob(late.id).state).toBe('queued');
    expect(h.c.getJob(big.id).state).toBe('queued');
  });
});

describe('retry delay', () => {
  it('keeps a failed job out of claims until its retry delay has passed', () => {
    const w = addWorker(h.c);
    const job = h.c.submit({ command: ['flaky'], max_attempts: 3, retry_delay_s: 40 });
    h.c.claim(w);
    const requeued = h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    expect(requeued).toMatchObject({ state: 'queued', retry_at: h.clock.now() + 40_000 });
    h.clock.advance(39_000);
    expect(claimedIds(w)).toEqual([]);
    h.clock.advance(1_000);
    expect(claimedIds(w)).toEqual([job.id]);
  });

  it('doubles the delay after each counted failure with retry_backoff', () => {
    const w = addWorker(h.c);
    const job = h.c.submit({ command: ['flaky'], max_attempts: 4, retry_delay_s: 10, retry_backoff: true });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      h.clock.advance(3_600_000);
      h.c.heartbeat(w, {});
      expect(claimedIds(w)).toEqual([job.id]);
      const requeued = h.c.finish(job.id, { attempt, outcome: 'failed', exit_code: 1 });
      delays.push(((requeued.retry_at as number) - h.clock.now()) / 1000);
    }
    expect(delays).toEqual([10, 20, 40]);
  });

  it('lets the sweep release a due retry with an event, so parked long-polls wake for it', () => {
    const w = addWorker(h.c);
    const job = h.c.submit({ command: ['flaky'], max_attempts: 2, retry_delay_s: 5 });
    h.c.claim(w);
    h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    const seen: string[] = [];
    h.c.subscribe((e) => e.job_id === job.id && seen.push(e.type));
    h.clock.advance(5_000);
    h.c.heartbeat(w, {});
    h.c.sweep();
    expect(seen).toEqual(['job.queued']);
    expect(h.c.getJob(job.id).retry_at).toBeNull();
  });
});

describe('the claimed job', () => {
  // The claim builds each job from the row it read, as getJob does from its own read (issue 19):
  // every field must be what a read of the job gives right after the claim.
  it('is the job as getJob reads it, every field, for a claim of several and a claim of one', () => {
    h.c.createProject({ name: 'lab', preemption: { preemptible: true, grace_s: 45 } });
    h.c.suites.create({ name: 'evals' });
    const lost = h.c.submit({ command: ['lost'], priority: 9, max_attempts: 3 });
    const first = addWorker(h.c, { cpus: 100 });
    expect(claimedIds(first, 1)).toEqual([lost.id]);
    h.clock.advance(30_001);
    h.c.sweep();
    const submitted = [
      h.c.submit({ command: { shell: 'echo "é"' }, cwd: '/srv/x', cwd_machine: 'box', env: { A: '1' }, secret_env: ['A'], params: { lr: 0.1, seed: 7, on: true }, priority: 5 }),
      h.c.submit({ name: 'second', command: ['b'], project: 'lab', outputs: ['out/*.json'], timeout_s: 90, retry_delay_s: 5, retry_backoff: true, keep_inputs: true }),
      h.c.submit({ command: ['c'], suite: 'evals', checkpoint_signal: 'SIGTERM', grace_s: 10, min_runtime_s: 60, requirements: { cpus: 2, memory_mb: 512, tags: ['x'] } }),
      h.c.submit({ command: ['d'] }),
    ];
    const worker = addWorker(h.c, { cpus: 100, memory_mb: 64_000, tags: ['x'] });
    h.clock.advance(1_234);
    const many = h.c.claim(worker, { max: 4 });
    expect(many.map((claimed) => claimed.job.id).sort()).toEqual([lost.id, ...submitted.slice(0, 3).map((job) => job.id)].sort());
    expect(many.find((claimed) => claimed.job.id === lost.id)?.job.error).toMatch(/lost/);
    h.clock.advance(1_000);
    const one = h.c.claim(worker, { max: 1 });
    expect(one.map((claimed) => claimed.job.id)).toEqual([submitted[3].id]);
    for (const claimed of [...many, ...one]) expect(claimed.job).toStrictEqual(h.c.getJob(claimed.job.id));
  });
});
