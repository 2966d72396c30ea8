import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorker, credentialOf, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness({ leaseTtlMs: 30_000, restartGraceMs: 60_000, workerTimeoutMs: 45_000 })));
afterEach(() => h.cleanup());

describe('leases', () => {
  it('keeps a job running while its worker heartbeats', () => {
    const job = makeJob(h.c, 'running');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(20_000);
      h.c.heartbeat(job.worker_id as string, {});
      expect(h.c.sweep()).toBe(0);
    }
    expect(h.c.getJob(job.id).state).toBe('running');
  });

  it('marks an attempt lost and re-queues the job when the lease expires', () => {
    const job = makeJob(h.c, 'running', { max_attempts: 2 });
    h.clock.advance(30_001);
    expect(h.c.sweep()).toBe(1);
    expect(h.c.getJob(job.id).state).toBe('queued');
    expect(h.c.listAttempts(job.id)[0]).toMatchObject({ outcome: 'lost' });
  });

  it('fails the job and blocks its dependents once it was lost more than max_lost_attempts times', () => {
    const job = makeJob(h.c, 'running', { max_lost_attempts: 0 });
    const dependent = h.c.submit({ command: ['next'], depends_on: [job.id] });
    h.clock.advance(30_001);
    h.c.sweep();
    expect(h.c.getJob(job.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/lease expired.*max_lost_attempts \(0\)/) as unknown });
    expect(h.c.getJob(dependent.id).state).toBe('blocked');
  });

  it('marks a silent worker offline and loses its attempts', () => {
    const job = makeJob(h.c, 'running', { max_attempts: 3 });
    const worker = job.worker_id as string;
    h.clock.advance(46_000);
    h.c.sweep();
    expect(h.c.getWorker(worker).state).toBe('offline');
    expect(h.c.getJob(job.id).state).toBe('queued');
    h.c.heartbeat(worker, {});
    expect(h.c.getWorker(worker).state).toBe('online');
  });

  it('does not count time the coordinator was closed: running leases get a grace period on open', () => {
    const job = makeJob(h.c, 'running', { max_attempts: 3 });
    h.c.close();
    h.clock.advance(3_600_000);
    h.reopen();
    expect(h.c.sweep()).toBe(0);
    expect(h.c.getJob(job.id).state).toBe('running');
    h.clock.advance(59_000);
    expect(h.c.sweep()).toBe(0);
    h.clock.advance(2_000);
    expect(h.c.sweep()).toBe(1);
  });

  it('loses at once the attempts a restarted agent no longer holds, and keeps those it does', () => {
    const first = h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000 });
    const w = first.id;
    const a = h.c.submit({ command: ['a'], max_attempts: 2 });
    const b = h.c.submit({ command: ['b'], max_attempts: 2 });
    h.c.claim(w, { max: 2 });
    const again = h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, running: [{ job_id: b.id, attempt: 1 }] }, { credential: first.credential as string });
    expect(again.id).toBe(w);
    expect(h.c.getJob(a.id).state).toBe('queued');
    expect(h.c.getJob(b.id).state).toBe('running');
  });

  it('records GPU memory a job holds from the heartbeat', () => {
    const job = makeJob(h.c, 'running');
    h.c.heartbeat(job.worker_id as string, { job_gpu_usage: [{ job_id: job.id, attempt: 1, gpu_index: 0, memory_used_mb: 1234 }] });
    expect(h.c.listAttempts(job.id)[0].gpu_memory_used_mb).toBe(1234);
  });
});

describe('lost attempts', () => {
  it('re-queues a job whose lease expired without spending its only attempt, up to max_lost_attempts', () => {
    const job = makeJob(h.c, 'running');
    const worker = job.worker_id as string;
    for (let lost = 1; lost <= 3; lost++) {
      h.clock.advance(30_001);
      expect(h.c.sweep()).toBe(1);
      expect(h.c.getJob(job.id)).toMatchObject({ state: 'queued', lost_attempts: lost, counted_attempts: 0, max_attempts: 1 });
      h.c.heartbeat(worker, {});
      expect(h.c.claim(worker)[0]?.job.id).toBe(job.id);
    }
    h.clock.advance(30_001);
    h.c.sweep();
    expect(h.c.getJob(job.id)).toMatchObject({ state: 'failed', lost_attempts: 4, counted_attempts: 0 });
    expect(h.c.getJob(job.id).error).toMatch(/lost 4 times, more than max_lost_attempts \(3\)/);
  });

  it('keeps each lost attempt and why in the history', () => {
    const w = addWorker(h.c, { name: 'box' });
    const job = h.c.submit({ command: ['train'] });
    h.c.claim(w);
    h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 32_000 }, credentialOf(w));
    h.c.claim(w);
    h.clock.advance(30_001);
    h.c.sweep();
    h.c.heartbeat(w, {});
    h.c.claim(w);
    h.c.deregisterWorker(w);
    expect(h.c.listAttempts(job.id).map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'lost', 'the worker restarted without it'],
      [2, 'lost', `lease expired on worker ${w}`],
      [3, 'lost', 'the worker stopped and handed it back'],
    ]);
    expect(h.c.getJob(job.id)).toMatchObject({ state: 'queued', attempt: 3, lost_attempts: 3, counted_attempts: 0 });
  });

  it('spends only the real failures of max_attempts when losses and failures mix', () => {
    const w = addWorker(h.c, { name: 'box' });
    const job = h.c.submit({ command: ['train'], max_attempts: 2 });
    h.c.claim(w);
    h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    h.c.claim(w);
    h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 32_000 }, credentialOf(w));
    expect(h.c.getJob(job.id)).toMatchObject({ state: 'queued', attempt: 2, counted_attempts: 1, lost_attempts: 1 });
    h.c.claim(w);
    expect(h.c.finish(job.id, { attempt: 3, outcome: 'failed', exit_code: 1 })).toMatchObject({ state: 'failed', counted_attempts: 2, lost_attempts: 1 });
  });

  it('grants fresh losses and attempts on retry', () => {
    const job = makeJob(h.c, 'running', { max_lost_attempts: 0 });
    h.clock.advance(30_001);
    h.c.sweep();
    expect(h.c.retry(job.id)).toMatchObject({ state: 'queued', attempt: 1, counted_attempts: 0, lost_attempts: 0 });
  });
});

describe('deregistering', () => {
  it('re-queues the running jobs of a worker that says goodbye without spending their attempt', () => {
    const job = makeJob(h.c, 'running');
    h.c.deregisterWorker(job.worker_id as string);
    expect(h.c.getJob(job.id).state).toBe('queued');
    expect(h.c.getWorker(job.worker_id as string).state).toBe('offline');
    const w = addWorker(h.c);
    const [again] = h.c.claim(w);
    expect(again.attempt).toBe(2);
    expect(h.c.finish(job.id, { attempt: 2, outcome: 'failed', exit_code: 1 }).state).toBe('failed');
  });
});

describe('requestWorkerStop', () => {
  it('hands the worker no more jobs, tells it at its next heartbeat, and clears when it registers again', () => {
    const w = addWorker(h.c, { name: 'box' });
    h.c.submit({ command: ['x'] });
    expect(h.c.requestWorkerStop(w).stop_requested).toBe(true);
    expect(h.c.claim(w)).toEqual([]);
    expect(h.c.heartbeat(w, {}).stop).toBe(true);
    h.c.deregisterWorker(w);
    expect(() => h.c.requestWorkerStop(w)).toThrow(/offline already/);
    const again = h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 32_000 });
    expect(again.stop_requested).toBe(false);
    expect(h.c.claim(again.id)).toHaveLength(1);
  });
});
