import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
let prepared: Set<string>;
beforeEach(() => {
  prepared = new Set();
  const prepare = Database.prototype.prepare;
  // Every statement the coordinator compiles, to ask SQLite how it would run each one.
  vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, source: string) {
    prepared.add(source);
    return prepare.call(this, source);
  });
  h = openHarness();
});
afterEach(() => {
  vi.restoreAllMocks();
  h.cleanup();
});

/**
 * SQLite's plan for `sql` with the jobs analyzed and attempts not: the statistics `gantry serve`
 * has for a queue that had run nothing when ANALYZE last looked (an empty table gets none).
 */
function plannedWithoutAttemptStats(sql: string): string[] {
  const db = new Database(join(h.dataDir, 'gantry.db'));
  try {
    // ANALYZE sqlite_schema reloads the statistics this connection plans with.
    db.exec("ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl = 'attempts'; ANALYZE sqlite_schema");
    const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((row) => row.detail);
  } finally {
    db.close();
  }
}

/** The statements preemptForWaitingJobs runs that read jobs: the reservations' end, the lowest preemptible priority, the open attempts. */
const preemptionReadsOfJobs = (sql: string) => /reserved_for = NULL WHERE reserved_for IS NOT NULL|MIN\(j\.priority\)|a\.job_id, a\.attempt, a\.worker_id, a\.started_at/.test(sql);

describe('what a submit costs preemption on a large queue (issue 19)', () => {
  it('reads jobs only by id from the open attempts and reserved workers, never walking the queue', () => {
    h.c.submitBatch(Array.from({ length: 500 }, (_, i) => ({ command: ['true'], preemptible: i % 2 === 0, priority: i % 3 })));
    // A preemptible job running, so the submit below goes on to read the open attempts too.
    const worker = addWorker(h.c);
    h.c.claim(worker);
    h.c.submit({ command: ['urgent'], priority: 9 });
    const statements = [...prepared].filter(preemptionReadsOfJobs);
    expect(statements).toHaveLength(3);
    // Any step on jobs must be a lookup of one row by its id.
    const walks = statements.map((sql) => ({ sql, walksJobs: plannedWithoutAttemptStats(sql).filter((step) => /^(SCAN|SEARCH) (j|jobs)\b/.test(step) && !/INTEGER PRIMARY KEY \(rowid=\?\)/.test(step)) }));
    expect(walks).toEqual(statements.map((sql) => ({ sql, walksJobs: [] })));
  });
});
