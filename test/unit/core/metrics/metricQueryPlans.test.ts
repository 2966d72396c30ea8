import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EPOCHS_SQL } from '../../../../src/core/metrics/jobMetrics';
import { MARK_READS } from '../../../../src/core/metrics/markPages';
import { PAGE_JSON_WALKS, PAGE_KEY_WALKS, PAGE_WALKS } from '../../../../src/core/metrics/metricPages';
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

  it.each(Object.entries(PAGE_JSON_WALKS))('writes the JSON of the listing page %s from the same walk, sorting nothing', (_walk, sql) => {
    const plan = planOf(sql);
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH metrics USING (COVERING )?INDEX metrics_series_step \(job_id=\?/));
    expect(plan.filter((step) => /TEMP B-TREE|SCAN metrics/.test(step))).toEqual([]);
  });

  it.each(Object.entries(PAGE_KEY_WALKS))('finds the position ending the listing page %s in the index alone', (_walk, sql) => {
    expect(planOf(sql)).toEqual([expect.stringMatching(/^SEARCH metrics USING COVERING INDEX metrics_series_step \(job_id=\?/)]);
  });

  it('answers by=epoch from one summary row per epoch, in key order', () => {
    expect(planOf(EPOCHS_SQL)).toEqual([expect.stringMatching(/^SEARCH metric_epochs USING PRIMARY KEY \(job_id=\?/)]);
  });

  it("reads a long series' chart marks from its pages and blocks along their keys, in key order", () => {
    expect(planOf(MARK_READS.pages)).toEqual(['SEARCH metric_mark_pages USING PRIMARY KEY (job_id=? AND name=? AND attempt=?)']);
    expect(planOf(MARK_READS.blocks)).toEqual(['SEARCH metric_blocks USING PRIMARY KEY (job_id=? AND name=? AND attempt=? AND block>? AND block<?)']);
  });
});
