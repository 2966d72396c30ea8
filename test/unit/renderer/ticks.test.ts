import { describe, expect, it } from 'vitest';
import { formatTickValue, niceStep, roundTicks, timeTicks } from '../../../src/renderer/src/logic/ticks';

describe('round chart ticks', () => {
  it.each([
    [10, 5, 2],
    [7, 5, 2],
    [1, 5, 0.2],
    [0.7, 5, 0.2],
    [250, 5, 50],
    [1_000_000, 5, 200_000],
  ])('splits a span of %d into at most %d parts with a 1-2-5 step (%d)', (span, target, step) => {
    expect(niceStep(span, target)).toBe(step);
  });

  it('puts number ticks on multiples of the step, without float noise', () => {
    expect(roundTicks(0.2, 0.8)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(roundTicks(0.13, 0.91)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(roundTicks(1, 7, 5, true)).toEqual([2, 4, 6]);
    expect(roundTicks(1, 3, 5, true)).toEqual([1, 2, 3]);
  });

  it('puts time ticks on whole clock units', () => {
    const start = Date.UTC(2026, 0, 1, 12, 3, 17);
    const ticks = timeTicks(start, start + 9 * 60_000);
    expect(ticks.length).toBeGreaterThan(1);
    const step = ticks[1] - ticks[0];
    expect([60_000, 120_000, 300_000]).toContain(step);
    for (const tick of ticks) expect(new Date(tick).getSeconds()).toBe(0);
  });

  it.each([
    [0.30000000000000004, '0.3'],
    [0.123456, '0.123'],
    [12, '12'],
    [12_000, '12k'],
    [2_500_000, '2.5M'],
  ])('labels %d as %s', (value, text) => {
    expect(formatTickValue(value)).toBe(text);
  });
});
