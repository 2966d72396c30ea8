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

  it('takes lateness up to one interval for jitter, and beyond it counts the whole time since the previous tick as missed', () => {
    expect(missedTime(1_000, 1_000)).toBe(0);
    expect(missedTime(2_000, 1_000)).toBe(0);
    expect(missedTime(2_500, 1_000)).toBe(2_500);
    expect(missedTime(601_000, 1_000)).toBe(601_000);
  });

  it('keeps a lease renewed just before the last tick when the pause began right after it, though the wake tick runs before the waiting beat is read', () => {
    // As coordinatorPause.test.ts runs it: the lease as long as the sweep interval, beats every third of the lease.
    const interval = 2_000;
    h.reopen({ leaseTtlMs: interval, sweepIntervalMs: interval });
    const job = makeJob(h.c, 'running');
    h.clock.advance(interval - 100);
    h.c.heartbeat(job.worker_id as string, {});
    h.clock.advance(100);
    vi.advanceTimersByTime(interval);
    h.clock.advance(50);
    suspend(8_000);
    vi.advanceTimersByTime(interval);
    expect(h.c.getJob(job.id).state).toBe('running');
    expect(h.c.listAttempts(job.id)[0].lease_expires_at).toBeGreaterThan(h.clock.now());
  });
});
