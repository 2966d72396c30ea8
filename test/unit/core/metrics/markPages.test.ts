import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsQuery } from '../../../../src/shared';
import { makeJob, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

/** 2 full pages of 64 × 256 points, and a third filling. */
const POINTS = 64 * 256 * 2 + 1_000;

function recordNoisySeries(jobId: number): number[] {
  let seed = 11;
  const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647) * 2 - 1;
  const values = Array.from({ length: POINTS }, () => random());
  values[20_001] = 60;
  // Batches that do not line up with blocks or pages, some points without a step.
  for (let start = 0; start < POINTS; start += 7_777) {
    const batch = values.slice(start, start + 7_777).map((value, i) => ({ step: (start + i) % 5 === 0 ? null : start + i, name: 'loss', value, at: 1_000_000 + (start + i) * 7 }));
    h.c.recordMetrics(jobId, 1, batch);
  }
  return values;
}

function chart(jobId: number, input: Record<string, unknown>): unknown {
  const answer = h.c.metricQueries.job(jobId, MetricsQuery.parse({ name: 'loss', ...input }));
  if (!('points' in answer)) throw new Error('expected points');
  return answer.points;
}

function withDatabase<T>(use: (db: Database.Database) => T): T {
  const db = new Database(join(h.dataDir, 'gantry.db'));
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const CHARTS = [{ points: 1000 }, { points: 300, x: 'time' }, { points: 5_000 }, { points: 2 }];

describe('metric mark pages', () => {
  it('packs each full page of 64 blocks as it fills, and no page still filling', () => {
    const job = makeJob(h.c, 'running');
    recordNoisySeries(job.id);
    const pages = withDatabase((db) => db.prepare('SELECT page, length(marks) AS bytes FROM metric_mark_pages WHERE job_id = ? ORDER BY page').all(job.id));
    expect(pages).toEqual([{ page: 0, bytes: 64 * 16 * 8 }, { page: 1, bytes: 64 * 16 * 8 }]);
  });

  it('draws the same chart from its pages as from its blocks alone, with a page missing or all of them (points recorded before pages were kept)', () => {
    const job = makeJob(h.c, 'running');
    const values = recordNoisySeries(job.id);
    const fromPages = CHARTS.map((input) => chart(job.id, input));
    expect(fromPages[0]).toContainEqual(expect.objectContaining({ step: 20_001, value: 60 }));
    for (const row of fromPages[0] as Array<{ step: number | null; value: number }>) if (row.step !== null) expect(row.value).toBe(values[row.step]);
    withDatabase((db) => db.prepare('DELETE FROM metric_mark_pages WHERE job_id = ? AND page = 0').run(job.id));
    expect(CHARTS.map((input) => chart(job.id, input))).toEqual(fromPages);
    withDatabase((db) => db.prepare('DELETE FROM metric_mark_pages WHERE job_id = ?').run(job.id));
    expect(CHARTS.map((input) => chart(job.id, input))).toEqual(fromPages);
  });

  it('goes with its job', () => {
    const job = makeJob(h.c, 'succeeded');
    recordNoisySeries(job.id);
    h.c.remove(job.id);
    expect(withDatabase((db) => db.prepare('SELECT COUNT(*) AS n FROM metric_mark_pages').get())).toEqual({ n: 0 });
  });
});
