import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Rows per transaction: bounds the WAL between checkpoints while amortising each commit. */
const ROWS_PER_TRANSACTION = 100_000;

/**
 * Fills a queue to `size` jobs fast by copying the first `templates` jobs (ids 1..templates), the way
 * a bulk load would, instead of submitting each: job i becomes a copy of job (i mod templates) + 1,
 * with its tags and its job.submitted event. Every column is copied (whatever later migrations add),
 * and the triggers keep counts and shapes as a submit would. `templates` must be a multiple of the
 * period of the generated jobs (sweepJob) so each copy is exactly the job sweepJob(i) would give.
 * Runs on its own connection to the coordinator's database file.
 */
export function copyJobs(dataDir: string, templates: number, size: number): void {
  const db = new Database(join(dataDir, 'gantry.db'));
  try {
    db.pragma('busy_timeout = 10000');
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all('jobs') as Array<{ name: string }>).map((c) => c.name).filter((name) => name !== 'id');
    const list = columns.join(', ');
    const sequence = 'WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i < ?)';
    const template = `(seq.i % ${templates}) + 1`;
    const insertJobs = db.prepare(`${sequence} INSERT INTO jobs (id, ${list}) SELECT seq.i + 1, ${columns.map((c) => `t.${c}`).join(', ')} FROM seq JOIN jobs t ON t.id = ${template}`);
    const insertTags = db.prepare(`${sequence} INSERT INTO job_tags (tag, job_id) SELECT t.tag, seq.i + 1 FROM seq JOIN job_tags t ON t.job_id = ${template}`);
    const insertEvents = db.prepare(`${sequence} INSERT INTO events (at, type, job_id, worker_id, data)
      SELECT e.at, e.type, seq.i + 1, e.worker_id, e.data FROM seq JOIN events e ON e.job_id = ${template} AND e.type = 'job.submitted'`);
    for (let from = templates; from < size; from += ROWS_PER_TRANSACTION) {
      const last = Math.min(size, from + ROWS_PER_TRANSACTION) - 1;
      db.transaction(() => {
        insertJobs.run(from, last);
        insertTags.run(from, last);
        insertEvents.run(from, last);
      }).immediate();
    }
  } finally {
    db.close();
  }
}
