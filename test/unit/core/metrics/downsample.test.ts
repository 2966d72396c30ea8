import { describe, expect, it } from 'vitest';
import { downsampleIndices } from '../../../../src/core/metrics/downsample';

/** The points downsampleIndices keeps, in its order. */
function downsampleMinMax<P extends { x: number; value: number }>(points: P[], max: number): P[] {
  return downsampleIndices(points.map((p) => p.x), points.map((p) => p.value), max).map((i) => points[i]);
}

const series = (values: number[]) => values.map((value, x) => ({ x, value }));

describe('downsampleIndices', () => {
  it('returns every point, in x order, when they fit', () => {
    const points = [{ x: 2, value: 1 }, { x: 0, value: 3 }, { x: 1, value: 2 }];
    expect(downsampleMinMax(points, 10).map((p) => p.x)).toEqual([0, 1, 2]);
  });

  it('keeps the first and last points and every extreme, within the limit', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 500));
    values[12_345] = 50;
    values[77_777] = -50;
    const kept = downsampleMinMax(series(values), 200);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept[0]).toEqual({ x: 0, value: values[0] });
    expect(kept[kept.length - 1]).toEqual({ x: 99_999, value: values[99_999] });
    expect(kept).toContainEqual({ x: 12_345, value: 50 });
    expect(kept).toContainEqual({ x: 77_777, value: -50 });
    expect(kept.map((p) => p.x)).toEqual([...kept.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('keeps the lowest and highest point of each bucket', () => {
    // 2 buckets of x: [0, 50) and [50, 99]; each has one low and one high spike.
    const values = Array.from({ length: 100 }, () => 0);
    Object.assign(values, { 10: -1, 20: 1, 60: 2, 70: -2 });
    const kept = downsampleMinMax(series(values), 6);
    expect(kept.map((p) => [p.x, p.value])).toEqual([[0, 0], [10, -1], [20, 1], [60, 2], [70, -2], [99, 0]]);
  });

  it('returns real points, never averages, when every x is the same', () => {
    const points = [{ x: 5, value: 1 }, { x: 5, value: 9 }, { x: 5, value: -3 }, { x: 5, value: 4 }, { x: 5, value: 2 }];
    const kept = downsampleMinMax(points, 4);
    expect(kept).toEqual([{ x: 5, value: 1 }, { x: 5, value: 9 }, { x: 5, value: -3 }, { x: 5, value: 2 }]);
  });
});
