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
