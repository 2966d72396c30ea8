import { describe, expect, it } from 'vitest';
import { addWorker } from '../../../support/coordinator';
import { planOf, recordPreparedStatements } from '../../../support/queryPlans';

const recorded = recordPreparedStatements();

/**
 * SQLite's plan for `sql` with the jobs analyzed and attempts not: the statistics `gantry serve`
 * has for a queue that had run nothing when ANALYZE last looked (an empty table gets none).
 * ANALYZE sqlite_schema reloads the statistics the connection plans with.
 */
const plannedWithoutAttemptStats = (sql: string): string[] =>
  planOf(recorded.h, sql, "ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl = 'attempts'; ANALYZE sqlite_schema");

/** The statements preemptForWaitingJobs runs that read jobs: the reservations' end, the lowest preemptible priority, the open attempts. */
const preemptionReadsOfJobs = (sql: string) => /reserved_for = NULL WHERE reserved_for IS NOT NULL|MIN\(j\.priority\)|a\.job_id, a\.attempt, a\.worker_id, a\.started_at/.test(sql);

describe('what a submit costs preemption on a large queue (issue 19)', () => {
  it('reads jobs only by id from the open attempts and reserved workers, never walking the queue', () => {
    recorded.h.c.submitBatch(Array.from({ length: 500 }, (_, i) => ({ command: ['true'], preemptible: i % 2 === 0, priority: i % 3 })));
    // A preemptible job running, so the submit below goes on to read the open attempts too.
    const worker = addWorker(recorded.h.c);
    recorded.h.c.claim(worker);
    recorded.h.c.submit({ command: ['urgent'], priority: 9 });
    const statements = [...recorded.prepared].filter(preemptionReadsOfJobs);
    expect(statements).toHaveLength(3);
    // Any step on jobs must be a lookup of one row by its id.
    const walks = statements.map((sql) => ({ sql, walksJobs: plannedWithoutAttemptStats(sql).filter((step) => /^(SCAN|SEARCH) (j|jobs)\b/.test(step) && !/INTEGER PRIMARY KEY \(rowid=\?\)/.test(step)) }));
    expect(walks).toEqual(statements.map((sql) => ({ sql, walksJobs: [] })));
  });
});
