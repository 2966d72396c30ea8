import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

/** Appends chunks in order, each with its stream, as an agent would. */
function write(jobId: number, chunks: Array<['stdout' | 'stderr', string]>): void {
  chunks.forEach(([stream, text], seq) => h.c.appendLog(jobId, 1, seq, Buffer.from(text), stream));
}

describe('log streams', () => {
  it('keeps the interleaved log as written and serves each stream alone', () => {
    const job = makeJob(h.c, 'running');
    write(job.id, [['stdout', 'out1\n'], ['stderr', 'err1\n'], ['stderr', 'err2\n'], ['stdout', 'out2\n'], ['stderr', 'err3\n']]);
    expect(h.c.readLog(job.id, 1).data.toString()).toBe('out1\nerr1\nerr2\nout2\nerr3\n');
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stdout')).toMatchObject({ size: 10, next_offset: 10 });
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stdout').data.toString()).toBe('out1\nout2\n');
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stderr').data.toString()).toBe('err1\nerr2\nerr3\n');
  });

  it("counts offsets and lengths of a stream read in that stream's own bytes", () => {
    const job = makeJob(h.c, 'running');
    write(job.id, [['stderr', 'AB'], ['stdout', 'xx'], ['stderr', 'CDE'], ['stdout', 'yy'], ['stderr', 'F']]);
    const window = h.c.readLog(job.id, 1, 1, 3, 'stderr');
    expect(window.data.toString()).toBe('BCD');
    expect(window).toMatchObject({ next_offset: 4, size: 6 });
    expect(h.c.readLog(job.id, 1, 4, 100, 'stderr').data.toString()).toBe('EF');
    expect(h.c.readLog(job.id, 1, 6, 100, 'stderr')).toMatchObject({ next_offset: 6, size: 6 });
    expect(h.c.readLog(job.id, 1, 99, 100, 'stderr')).toMatchObject({ next_offset: 6, size: 6 });
  });

  it('says which bytes of an interleaved read were stderr, clipped to the window', () => {
    const job = makeJob(h.c, 'running');
    write(job.id, [['stdout', 'out\n'], ['stderr', 'err\n'], ['stdout', 'out\n']]);
    expect(h.c.readLog(job.id, 1).stderr).toEqual([[4, 8]]);
    expect(h.c.readLog(job.id, 1, 6, 4).stderr).toEqual([[6, 8]]);
    expect(h.c.readLog(job.id, 1, 8).stderr).toEqual([]);
  });

  it('counts chunks without a stream, as agents from before streams send, as stdout', () => {
    const job = makeJob(h.c, 'running');
    h.c.appendLog(job.id, 1, 0, Buffer.from('old agent\n'));
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stdout').data.toString()).toBe('old agent\n');
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stderr')).toMatchObject({ size: 0, next_offset: 0 });
  });

  it('does not record a stream for a repeated chunk', () => {
    const job = makeJob(h.c, 'running');
    h.c.appendLog(job.id, 1, 0, Buffer.from('err\n'), 'stderr');
    h.c.appendLog(job.id, 1, 0, Buffer.from('err\n'), 'stderr');
    expect(h.c.readLog(job.id, 1, 0, undefined, 'stderr').data.toString()).toBe('err\n');
  });
});
