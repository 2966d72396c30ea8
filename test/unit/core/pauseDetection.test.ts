import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { missedTime } from '../../../src/core/maintenance/sweeper';
import { makeJob, openHarness, type Harness } from '../../support/coordinator';

const TICK = 1_000;
let h: Harness;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  h = openHarness({ leaseTtlMs: 30_000, workerTimeoutMs: 45_000, sweepIntervalMs: TICK });
});
afterEach(() => {
  h.cleanup();
  vi.useRealTimers();
});

/** The process runs for `ms`: the clock moves and each sweep tick fires on time. */
function run(ms: number): void {
  for (let t = 0; t < ms; t += TICK) {
    h.clock.advance(TICK);
    vi.advanceTimersByTime(TICK);
  }
}

/** The process is suspended for `ms`: the clock moves, no timer fires until it wakes. */
function suspend(ms: number): void {
  h.clock.advance(ms);
}

describe('pause detection', () => {
  it('extends leases by the time the coordinator was suspended, so a running job survives a laptop sleep', () => {
    const job = makeJob(h.c, 'running');
    run(10_000);
    suspend(10 * 60_000);
    run(TICK);
    expect(h.c.getJob(job.id).state).toBe('running');
    expect(h.c.getWorker(job.worker_id as string).state).toBe('online');
  });

  it('still expires a lease the worker stops renewing: the 20 s it had left before the sleep run out after the wake', () => {
    const job = makeJob(h.c, 'running');
    run(10_000);
    suspend(10 * 60_000);
    run(TICK);
    run(15_000);
    expect(h.c.getJob(job.id).state).toBe('running');
    run(10_000);
    expect(h.c.getJob(job.id).state).toBe('queued');
    expect(h.c.listAttempts(job.id)[0]).toMatchObject({ outcome: 'lost' });
  });

  it('checks at once when the host reports a resume, before the next tick', () => {
    const job = makeJob(h.c, 'running');
    run(5_000);
    suspend(5 * 60_000);
    h.c.resumed();
    expect(h.c.getJob(job.id).state).toBe('running');
    expect(h.c.listAttempts(job.id)[0].lease_expires_at).toBeGreaterThan(h.clock.now());
  });

  it('counts only lateness beyond one interval as missed time', () => {
    expect(missedTime(1_000, 1_000)).toBe(0);
    expect(missedTime(2_000, 1_000)).toBe(0);
    expect(missedTime(2_500, 1_000)).toBe(1_500);
    expect(missedTime(601_000, 1_000)).toBe(600_000);
  });
});
