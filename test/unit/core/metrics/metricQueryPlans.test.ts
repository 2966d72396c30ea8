import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EPOCHS_SQL } from '../../../../src/core/metrics/jobMetrics';
import { PAGE_WALKS } from '../../../../src/core/metrics/metricPages';
import { openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
let db: Database.Database;
beforeEach(() => {
  h = openHarness();
  db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
});
afterEach(() => {
  db.close();
  h.cleanup();
});

/** SQLite's plan for `sql`, one line per step (any arguments do: the plan does not depend on them). */
function planOf(sql: string): string[] {
  const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((row) => row.detail);
}

describe('metric query plans at any history length', () => {
  it.each(Object.entries(PAGE_WALKS))('walks the listing page %s along an index in its own order, never sorting or scanning the points', (_walk, sql) => {
    const plan = planOf(sql);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH metrics USING (COVERING )?INDEX metrics_series_step \(job_id=\?/)]);
  });

  it('answers by=epoch from one summary row per epoch, in key order', () => {
    expect(planOf(EPOCHS_SQL)).toEqual([expect.stringMatching(/^SEARCH metric_epochs USING PRIMARY KEY \(job_id=\?/)]);
  });
});
