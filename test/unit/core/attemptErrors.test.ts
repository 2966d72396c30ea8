import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => {
  h = openHarness();
});
afterEach(() => h.cleanup());

const lastAttempt = (jobId: number) => h.c.listAttempts(jobId).at(-1);

describe('finishAttempt › the attempt error in words', () => {
  it('says who cancelled a running job, not "exited with code null"', () => {
    const job = makeJob(h.c, 'running');
    h.c.cancel(job.id);
    h.c.finish(job.id, { attempt: 1, outcome: 'cancelled', exit_code: null });
    expect(lastAttempt(job.id)?.error).toBe('cancelled by user');
    expect(h.c.getJob(job.id).error).toBe('cancelled by user');
  });

  it('says the worker cancelled an attempt nobody cancelled here', () => {
    const job = makeJob(h.c, 'running');
    h.c.finish(job.id, { attempt: 1, outcome: 'cancelled', exit_code: null });
    expect(lastAttempt(job.id)?.error).toBe('cancelled by the worker');
  });

  it('says a failure without an exit code was a signal', () => {
    const job = makeJob(h.c, 'running');
    h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: null });
    expect(lastAttempt(job.id)?.error).toBe('ended without an exit code (killed by a signal)');
  });

  it('keeps the exit code of an ordinary failure', () => {
    const job = makeJob(h.c, 'running');
    h.c.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 3 });
    expect(lastAttempt(job.id)?.error).toBe('exited with code 3');
  });
});
