import { describe, expect, it } from 'vitest';
import type { SweepJobSeries } from '../../../src/shared';
import { matchRoute } from '../../../src/renderer/src/logic/routes';
import { legendLabel, lineColor, nextSort, sortFinals } from '../../../src/renderer/src/logic/compare';

const job = (job_id: number, lr: number, final: number | null): SweepJobSeries => ({
  job_id,
  name: `train lr=${lr}`,
  state: 'succeeded',
  params: { lr, seed: 1 },
  attempt: final === null ? null : 1,
  count: 2,
  points: final === null ? [] : [[0, 1], [10, final]],
  final: final === null ? null : { value: final, step: 10, at: 0, x: 10 },
  finals: (final === null ? {} : { loss: final, acc: 1 - final }) as Record<string, number>,
});

describe('the sweep comparison', () => {
  it('labels a line by the params that vary, else by the job', () => {
    expect(legendLabel(job(3, 0.1, 1), ['lr'])).toBe('lr=0.1');
    expect(legendLabel(job(3, 0.1, 1), [])).toBe('#3 train lr=0.1');
  });

  it('sorts the finals by any metric either way, jobs without a value last', () => {
    const jobs = [job(1, 0.1, 0.5), job(2, 0.01, null), job(3, 1, 0.25), job(4, 0.3, 0.75)];
    const ascending = sortFinals(jobs, { key: 'metric:loss', descending: false });
    expect(ascending.map((j) => j.job_id)).toEqual([3, 1, 4, 2]);
    const descending = sortFinals(jobs, nextSort({ key: 'metric:loss', descending: false }, 'metric:loss'));
    expect(descending.map((j) => j.job_id)).toEqual([4, 1, 3, 2]);
    // acc = 1 − loss, so lowest acc first is highest loss first.
    expect(sortFinals(jobs, { key: 'metric:acc', descending: false }).map((j) => j.job_id)).toEqual([4, 1, 3, 2]);
    expect(sortFinals(jobs, { key: 'param:lr', descending: false }).map((j) => j.job_id)).toEqual([2, 1, 4, 3]);
  });

  it('gives 20 lines 20 different colours', () => {
    expect(new Set(Array.from({ length: 20 }, (_, i) => lineColor(i))).size).toBe(20);
  });

  it('has a page per sweep, and one that opens the newest', () => {
    expect(matchRoute('/compare/12')).toEqual({ page: 'compare', id: 12 });
    expect(matchRoute('/compare')).toEqual({ page: 'compare', id: null });
  });
});
