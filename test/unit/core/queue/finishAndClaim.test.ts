import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueEvent } from '../../../../src/shared';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const succeeded = (job_id: number, attempt = 1) => ({ job_id, attempt, outcome: 'succeeded' as const, exit_code: 0 });

describe('finishAndClaim: results and the next claim in one transaction', () => {
  it('stores the result and leases the next job into the room it freed', () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const [first, second] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'] })];
    h.c.claim(worker);
    // The worker is full: a plain claim gets nothing until the result is in.
    expect(h.c.claim(worker)).toEqual([]);
    const { results, jobs, claimError } = h.c.finishAndClaim(worker, { results: [succeeded(first.id)] }, { max: 1 });
    expect(claimError).toBeUndefined();
    expect(results.map((r) => r.job?.state)).toEqual(['succeeded']);
    expect(jobs.map((j) => [j.job.id, j.attempt, j.job.state])).toEqual([[second.id, 1, 'running']]);
    expect(h.c.listAttempts(second.id)).toMatchObject([{ attempt: 1, worker_id: worker, finished_at: null }]);
  });

  it('commits both at once: when the result is published, the next job is already running', () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const [first, second] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'] })];
    h.c.claim(worker);
    const seen: Array<[QueueEvent['type'], string]> = [];
    h.c.subscribe((event) => {
      if (event.type === 'job.succeeded' || event.type === 'job.claimed') seen.push([event.type, h.c.getJob(second.id).state]);
    });
    h.c.finishAndClaim(worker, { results: [succeeded(first.id)] }, { max: 1 });
    // Listeners run after the commit: in two transactions the success would be seen with the next job still queued.
    expect(seen).toEqual([
      ['job.succeeded', 'running'],
      ['job.claimed', 'running'],
    ]);
  });

  it('keeps the results when the claim is refused, and says why', () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const job = h.c.submit({ command: ['a'] });
    h.c.submit({ command: ['b'] });
    h.c.claim(worker);
    h.c.deregisterWorker(worker);
    // Deregistering handed the attempt back; its late result is stale, and the offline worker may not claim.
    const { results, jobs, claimError } = h.c.finishAndClaim(worker, { results: [succeeded(job.id)] }, { max: 1 });
    expect(jobs).toEqual([]);
    expect(claimError?.code).toBe('conflict');
    expect(results).toHaveLength(1);
  });

  it('applies the good results of a batch with a refused item and still claims', () => {
    const worker = addWorker(h.c, { cpus: 2 });
    const [a, b, c] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'] }), h.c.submit({ command: ['c'] })];
    h.c.claim(worker, { max: 2 });
    const { results, jobs } = h.c.finishAndClaim(worker, { results: [succeeded(a.id), succeeded(b.id, 9)] }, { max: 2 });
    expect(results.map((r) => r.job?.state ?? r.error?.code)).toEqual(['succeeded', 'not_found']);
    // b still runs and holds one cpu: one job fits.
    expect(jobs.map((j) => j.job.id)).toEqual([c.id]);
  });

  it('applies the results of a draining worker and hands it nothing, without a refusal', () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const [first, second] = [h.c.submit({ command: ['a'] }), h.c.submit({ command: ['b'] })];
    h.c.claim(worker);
    h.c.setWorkerState(worker, 'draining');
    const { results, jobs, claimError } = h.c.finishAndClaim(worker, { results: [succeeded(first.id)], brief: true }, { max: 1 });
    expect([results, jobs, claimError]).toEqual([[{ job_id: first.id, state: 'succeeded' }], [], undefined]);
    expect(h.c.getJob(second.id).state).toBe('queued');
  });

  it('refuses the claim of an unknown worker and keeps the results', () => {
    const worker = addWorker(h.c, { cpus: 1 });
    const job = h.c.submit({ command: ['a'] });
    h.c.claim(worker);
    const { results, jobs, claimError } = h.c.finishAndClaim('no-such-worker', { results: [succeeded(job.id)] }, { max: 1 });
    expect([results.map((r) => r.job?.state), jobs, claimError?.code]).toEqual([['succeeded'], [], 'not_found']);
  });
});
