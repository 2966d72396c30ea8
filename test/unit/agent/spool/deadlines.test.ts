import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../../../../src/agent/spool/deadlines';
import { Deliverer } from '../../../../src/agent/spool/deliverer';
import { Spool } from '../../../../src/agent/spool/spool';

describe('Deadlines', () => {
  afterEach(() => vi.useRealTimers());

  it('wakes each wait at its deadline, earliest first, on one timer, and wakes none once cleared', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new Deadlines();
    const woken: string[] = [];
    deadlines.add(2_000, () => woken.push('b'));
    deadlines.add(1_000, () => woken.push('a'));
    deadlines.add(3_000, () => woken.push('c'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(woken).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(woken).toEqual(['a']);
    vi.advanceTimersByTime(1_000);
    expect(woken).toEqual(['a', 'b']);
    deadlines.clear();
    vi.advanceTimersByTime(5_000);
    expect(woken).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wakes no cancelled wait, and comes back only for live ones: not once per wait that ended otherwise', () => {
    vi.useFakeTimers({ now: 0 });
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines();
    const woken: number[] = [];
    // A job ending every 5 ms, each waiting at most 2 s for its result, all but every 100th settled in time.
    for (let i = 0; i < 1_000; i++) {
      vi.advanceTimersByTime(5);
      const deadline = deadlines.add(Date.now() + 2_000, () => woken.push(i));
      if (i % 100 !== 99) deadline.cancel();
    }
    vi.advanceTimersByTime(2_000);
    expect(woken).toEqual([99, 199, 299, 399, 499, 599, 699, 799, 899, 999]);
    // The first arm and one per live wake-up, where waking each wait in turn armed one per wait.
    expect(armed.mock.calls.length).toBeLessThanOrEqual(11);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps deadlines in order when one is added before others (the clock went back)', () => {
    vi.useFakeTimers({ now: 10_000 });
    const deadlines = new Deadlines();
    const woken: string[] = [];
    deadlines.add(12_000, () => woken.push('b'));
    deadlines.add(13_000, () => woken.push('c'));
    deadlines.add(11_000, () => woken.push('a'));
    deadlines.add(12_500, () => woken.push('b2'));
    vi.advanceTimersByTime(1_000);
    expect(woken).toEqual(['a']);
    vi.advanceTimersByTime(1_500);
    expect(woken).toEqual(['a', 'b', 'b2']);
    vi.advanceTimersByTime(500);
    expect(woken).toEqual(['a', 'b', 'b2', 'c']);
  });
});

describe('Deliverer.settled with a timeout', () => {
  afterEach(() => vi.useRealTimers());

  it("resolves at the timeout while the attempt's result is still unsent, and at once when the deliverer closes", async () => {
    vi.useFakeTimers({ now: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'gantry-settle-'));
    try {
      // A coordinator that never answers: the result stays unsent.
      const deliverer = new Deliverer({ spool: Spool.open(dir), send: () => new Promise(() => {}) });
      deliverer.push({ kind: 'finish', job_id: 1, attempt: 1, outcome: 'succeeded', exit_code: 0, error: null });
      let first = false;
      void deliverer.settled(1, 1, 2_000).then(() => (first = true));
      await vi.advanceTimersByTimeAsync(1_999);
      expect(first).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(first).toBe(true);
      let second = false;
      void deliverer.settled(1, 1, 60_000).then(() => (second = true));
      deliverer.close();
      await vi.advanceTimersByTimeAsync(0);
      expect(second).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
