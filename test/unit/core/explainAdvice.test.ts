import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const summary = (id: number) => h.c.explain(id).summary;

describe('explain › advice when the workers that could run a job are not taking jobs', () => {
  it('says to resume a draining worker, by name', () => {
    const worker = addWorker(h.c, { name: 'gpu-box', tags: ['a100'] });
    h.c.setWorkerState(worker, 'draining');
    const job = h.c.submit({ command: ['train'], requirements: { tags: ['a100'] } });
    expect(summary(job.id)).toContain('draining (gpu-box): resume one with `gantry workers resume gpu-box`');
  });

  it('says to start a stopped worker again, not that no worker is online', () => {
    const worker = addWorker(h.c, { name: 'local' });
    h.c.deregisterWorker(worker);
    const job = h.c.submit({ command: ['train'] });
    expect(summary(job.id)).toContain('stopped or offline (local)');
    expect(summary(job.id)).toContain('`gantry workers start local`');
  });

  it('still says no worker is online when none was ever seen', () => {
    expect(summary(h.c.submit({ command: ['x'] }).id)).toMatch(/^no worker is online/);
  });
});

describe('explain › jobs that ended say why', () => {
  it('gives a failed job its error and what to do', () => {
    const job = makeJob(h.c, 'failed');
    expect(summary(job.id)).toBe(`the job failed: exited with code 1; see \`gantry logs ${job.id}\`, then \`gantry retry ${job.id}\``);
  });

  it('gives a timed-out job its timeout', () => {
    const job = h.c.submit({ command: ['sleep', '100'], timeout_s: 5, priority: 1_000_000 });
    const worker = addWorker(h.c);
    const [claimed] = h.c.claim(worker, { max: 1 });
    h.c.finish(job.id, { attempt: claimed.attempt, outcome: 'timed_out', exit_code: null });
    expect(summary(job.id)).toMatch(/^the job failed: timed out after 5s/);
  });

  it('says who cancelled a cancelled job', () => {
    const job = makeJob(h.c, 'cancelled');
    expect(summary(job.id)).toBe(`the job was cancelled by user; \`gantry retry ${job.id}\` queues it again`);
  });
});
