import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsQuery, type MetricPoint, type MetricsQuery as Query } from '../../../../src/shared';
import { RAW_SERIES_LIMIT } from '../../../../src/core/metrics/seriesPoints';
import { makeJob, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const query = (input: Record<string, unknown> = {}): Query => MetricsQuery.parse(input);
const points = (c: Harness['c'], jobId: number, q: Record<string, unknown>) => {
  const answer = c.metricQueries.job(jobId, query(q));
  if (!('points' in answer)) throw new Error('expected points');
  return answer.points;
};

/** Records `values` as steps 0… of `name`, in batches as an agent would send them. */
function record(jobId: number, attempt: number, name: string, values: number[], extra: (i: number) => Partial<MetricPoint> = () => ({})): void {
  for (let start = 0; start < values.length; start += 10_000) {
    const batch = values.slice(start, start + 10_000).map((value, i) => ({ step: start + i, name, value, at: 1_000 + (start + i) * 10, ...extra(start + i) }));
    h.c.recordMetrics(jobId, attempt, batch);
  }
}

describe('latest metrics (?latest=1)', () => {
  it('gives the last point of each name from the latest attempt that reported it', () => {
    const job = makeJob(h.c, 'running');
    record(job.id, 1, 'loss', [0.9, 0.5, 0.4]);
    record(job.id, 1, 'acc', [0.1, 0.7]);
    record(job.id, 2, 'loss', [0.8, 0.6]);
    const latest = points(h.c, job.id, { latest: '1' });
    expect(latest.map((p) => [p.name, p.attempt, p.step, p.value])).toEqual([['acc', 1, 1, 0.7], ['loss', 2, 1, 0.6]]);
    expect(points(h.c, job.id, { latest: 'true', name: 'acc' }).map((p) => p.value)).toEqual([0.7]);
  });

  it('agrees with the full history after many batches', () => {
    const job = makeJob(h.c, 'running');
    const values = Array.from({ length: 1_000 }, (_, i) => i / 7);
    for (let i = 0; i < values.length; i += 37) h.c.recordMetrics(job.id, 1, values.slice(i, i + 37).map((value, k) => ({ step: i + k, name: 'loss', value })));
    const all = points(h.c, job.id, {});
    expect(points(h.c, job.id, { latest: '1' })).toEqual([all[all.length - 1]]);
  });
});

describe('metrics per epoch (?by=epoch)', () => {
  it('aggregates each epoch and gives its last point', () => {
    const job = makeJob(h.c, 'running');
    // Epoch 0: steps 0-3, epoch 1: steps 4-7; one point without an epoch is left out.
    record(job.id, 1, 'loss', [4, 2, 3, 1, 0.5, 0.25, 1.5, 0.75], (i) => ({ epoch: Math.floor(i / 4) }));
    h.c.recordMetrics(job.id, 1, [{ step: 8, name: 'loss', value: 99 }]);
    const answer = h.c.metricQueries.job(job.id, query({ by: 'epoch' }));
    if (!('epochs' in answer)) throw new Error('expected epochs');
    expect(answer.epochs).toEqual([
      { name: 'loss', epoch: 0, count: 4, mean: 2.5, min: 1, max: 4, attempt: 1, step: 3, value: 1, at: 1_030 },
      { name: 'loss', epoch: 1, count: 4, mean: 0.75, min: 0.25, max: 1.5, attempt: 1, step: 7, value: 0.75, at: 1_070 },
    ]);
  });

  it('keeps each epoch over every attempt and batch, the last point being the newest recorded', () => {
    const job = makeJob(h.c, 'running');
    h.c.recordMetrics(job.id, 1, [{ step: 0, epoch: 0, name: 'loss', value: 5, at: 1 }, { step: 1, epoch: 0, name: 'loss', value: 3, at: 2 }, { step: 0, epoch: 0, name: 'acc', value: 0.1, at: 2 }]);
    h.c.recordMetrics(job.id, 1, [{ step: 2, epoch: 0, name: 'loss', value: 4, at: 3 }, { step: 3, epoch: 1, name: 'loss', value: 2, at: 4 }]);
    // A retry reports epoch 0 again: it joins the same row, and its point becomes the epoch's last.
    h.c.recordMetrics(job.id, 2, [{ step: 0, epoch: 0, name: 'loss', value: 9, at: 5 }]);
    const answer = h.c.metricQueries.job(job.id, query({ by: 'epoch', name: 'loss' }));
    if (!('epochs' in answer)) throw new Error('expected epochs');
    expect(answer.epochs).toEqual([
      { name: 'loss', epoch: 0, count: 4, mean: 5.25, min: 3, max: 9, attempt: 2, step: 0, value: 9, at: 5 },
      { name: 'loss', epoch: 1, count: 1, mean: 2, min: 2, max: 2, attempt: 1, step: 3, value: 2, at: 4 },
    ]);
  });

  it('stores the epoch of each point', () => {
    const job = makeJob(h.c, 'running');
    h.c.recordMetrics(job.id, 1, [{ step: 1, epoch: 3, name: 'acc', value: 0.5 }]);
    expect(points(h.c, job.id, {})).toEqual([{ attempt: 1, step: 1, epoch: 3, name: 'acc', value: 0.5, at: h.clock.now() }]);
  });
});

describe('downsampled metrics (?points=N)', () => {
  it('keeps each series within N points with its first, last and extreme points', () => {
    const job = makeJob(h.c, 'running');
    const values = Array.from({ length: 5_000 }, (_, i) => 1 / (1 + i));
    values[2_500] = 7;
    record(job.id, 1, 'loss', values);
    record(job.id, 2, 'loss', [3, 2, 1]);
    const rows = points(h.c, job.id, { points: 100 });
    const first = rows.filter((r) => r.attempt === 1);
    expect(first.length).toBeLessThanOrEqual(100);
    expect(first[0]).toMatchObject({ step: 0, value: 1 });
    expect(first[first.length - 1]).toMatchObject({ step: 4_999, value: values[4_999] });
    expect(first).toContainEqual(expect.objectContaining({ step: 2_500, value: 7 }));
    expect(rows.filter((r) => r.attempt === 2).map((r) => r.value)).toEqual([3, 2, 1]);
  });

  it('serves a series longer than the raw limit from its blocks and still keeps every extreme', () => {
    const job = makeJob(h.c, 'running');
    const n = RAW_SERIES_LIMIT * 3 + 17;
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647) * 2 - 1;
    const values = Array.from({ length: n }, () => random());
    values[12_345] = -40;
    values[n - 100] = 40;
    record(job.id, 1, 'loss', values);
    const rows = points(h.c, job.id, { points: 300, name: 'loss' });
    expect(rows.length).toBeLessThanOrEqual(300);
    expect(rows[0]).toMatchObject({ step: 0, value: values[0] });
    expect(rows[rows.length - 1]).toMatchObject({ step: n - 1, value: values[n - 1] });
    expect(rows).toContainEqual(expect.objectContaining({ step: 12_345, value: -40 }));
    expect(rows).toContainEqual(expect.objectContaining({ step: n - 100, value: 40 }));
    // Every point shown is a point recorded.
    for (const row of rows) expect(row.value).toBe(values[row.step as number]);
  });

  it('cuts buckets by seconds since the first point with x=time, by step otherwise', () => {
    const job = makeJob(h.c, 'running');
    const values = [0, 5, 1, 4, 2, 8, 3, 9];
    const seconds = [0, 1, 2, 3, 4, 5, 6, 100];
    h.c.recordMetrics(job.id, 1, values.map((value, step) => ({ step, name: 'loss', value, at: 5_000 + seconds[step] * 1000 })));
    // Two buckets: by step steps 1-3 and 4-6, each keeping its low and high; by time the first holds all six.
    expect(points(h.c, job.id, { points: 6 }).map((r) => r.value)).toEqual([0, 5, 1, 2, 8, 9]);
    expect(points(h.c, job.id, { points: 6, x: 'time' }).map((r) => r.value)).toEqual([0, 1, 8, 9]);
    expect(points(h.c, job.id, { points: 2 }).map((r) => r.value)).toEqual([0, 9]);
  });
});

describe('metric queries', () => {
  it('refuses two answers at once, naming the field', () => {
    const job = makeJob(h.c, 'running');
    expect(() => h.c.metricQueries.job(job.id, query({ latest: '1', points: 10 }))).toThrow(expect.objectContaining({ field: 'points' }));
    expect(() => h.c.metricQueries.job(job.id, query({ latest: '1', by: 'epoch' }))).toThrow(/by: cannot be combined with latest/);
  });

  it('refuses bad query values, naming the field', () => {
    expect(MetricsQuery.safeParse({ points: '1' }).error?.issues[0].path).toEqual(['points']);
    expect(MetricsQuery.safeParse({ by: 'step' }).error?.issues[0].path).toEqual(['by']);
    expect(MetricsQuery.safeParse({ latest: 'yes' }).error?.issues[0].path).toEqual(['latest']);
  });

  it('says an unknown job does not exist', () => {
    expect(() => h.c.metricQueries.job(999, query())).toThrow(/job 999 does not exist/);
  });

  it('forgets the summaries with the job', () => {
    const job = makeJob(h.c, 'succeeded');
    record(job.id, 1, 'loss', [1, 2, 3], (i) => ({ epoch: i }));
    h.c.remove(job.id);
    const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
    try {
      for (const table of ['metrics', 'metric_series', 'metric_blocks', 'metric_epochs']) expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
