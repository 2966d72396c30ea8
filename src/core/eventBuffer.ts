import type { EventType, QueueEvent } from '../shared';
import type { Statement } from './store/database';
import { MAX_ROWS_PER_STATEMENT, sqlByCount, valueRows } from './multiRowSql';

/** An event emitted in the current transaction; `id` is set once its row is written. */
interface BufferedEvent {
  id: number;
  at: number;
  type: EventType;
  jobId: number | null;
  workerId: string | null;
  data: Record<string, unknown>;
  json: string;
}

/**
 * The events of one transaction, written as multi-row INSERTs just before it commits (issue 19):
 * a claim or a finish of ten jobs writes its ten events with one statement instead of ten. The
 * rows are written inside the transaction, so a state change and its event still commit together.
 * Rows get consecutive ids in emit order: one INSERT appends its rows in order under the write lock,
 * each at the largest rowid plus one, so the first id is the last one's less the count.
 */
export class EventBuffer {
  private rows: BufferedEvent[] = [];
  private written = 0;

  constructor(private readonly insertOf: (sql: string) => Statement) {}

  add(at: number, type: EventType, jobId: number | null, workerId: string | null, data: Record<string, unknown>): void {
    this.rows.push({ id: 0, at, type, jobId, workerId, data, json: JSON.stringify(data) });
  }

  /** Writes the rows not written yet; readers of the events table call it first inside a transaction. */
  write(): void {
    while (this.written < this.rows.length) {
      const count = Math.min(MAX_ROWS_PER_STATEMENT, this.rows.length - this.written);
      const values: unknown[] = [];
      for (let i = this.written; i < this.written + count; i++) {
        const row = this.rows[i];
        values.push(row.at, row.type, row.jobId, row.workerId, row.json);
      }
      const last = Number(this.insertOf(insertSql(count)).run(...values).lastInsertRowid);
      for (let i = 0; i < count; i++) this.rows[this.written + i].id = last - count + 1 + i;
      this.written += count;
    }
  }

  /** The transaction committed: its events as listeners get them (none built when `forListeners` is false), in id order; the buffer starts empty. */
  take(forListeners: boolean): QueueEvent[] {
    const events = !forListeners ? [] : this.rows.map((row) => ({ id: row.id, at: row.at, type: row.type, job_id: row.jobId, worker_id: row.workerId, data: row.data }));
    this.clear();
    return events;
  }

  clear(): void {
    this.rows = [];
    this.written = 0;
  }
}

const insertSql = sqlByCount((count) => `INSERT INTO events (at, type, job_id, worker_id, data) VALUES ${valueRows(count, 5)}`);
