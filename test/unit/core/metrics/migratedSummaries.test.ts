import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MetricsQuery } from '../../../../src/shared';
import { useUpgradedDataDir } from './upgradedDataDir';

const FIXTURE = join(__dirname, '../../../fixtures/databases/9c37939');

const data = useUpgradedDataDir();

describe('metric summaries of an upgraded database', () => {
  it('are filled from the points it already had', () => {
    const dir = data.create('gantry-upgrade-');
    cpSync(FIXTURE, dir, { recursive: true });
    const c = data.open();
    const all = c.metricQueries.job(1, MetricsQuery.parse({}));
    const latest = c.metricQueries.job(1, MetricsQuery.parse({ latest: '1' }));
    if (!('points' in all) || !('points' in latest)) throw new Error('expected points');
    expect(latest.points).toEqual([all.points[all.points.length - 1]]);

    const db = new Database(join(dir, 'gantry.db'), { readonly: true });
    try {
      const blocks = db.prepare('SELECT job_id, name, attempt, block, marks FROM metric_blocks').all() as Array<{ marks: string }>;
      expect(blocks).toHaveLength(1);
      const [first, low, high, last] = JSON.parse(blocks[0].marks) as number[][];
      expect([first[0], last[0]]).toEqual([0, all.points.length - 1]);
      expect([low[3], high[3]]).toEqual([Math.min(...all.points.map((p) => p.value)), Math.max(...all.points.map((p) => p.value))]);
    } finally {
      db.close();
    }
    // New points continue the series after the backfilled ones.
    c.recordMetrics(1, all.points[0].attempt, [{ step: 99, name: all.points[0].name, value: -1 }]);
    const after = c.metricQueries.job(1, MetricsQuery.parse({ latest: '1' }));
    expect('points' in after && after.points[0]).toMatchObject({ step: 99, value: -1 });
  });
});
