import { ValidationError, type MetricRow } from '../../shared';
import type { CoreContext } from '../context';

/** Where the last page ended, in the listing's order: name, attempt, step (nulls first), rowid. */
type Position = [name: string, attempt: number, step: number | null, rowid: number];

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && value.length === 4 && typeof value[0] === 'string' && Number.isInteger(value[1]) && (value[2] === null || typeof value[2] === 'number') && Number.isInteger(value[3])) {
      return value as Position;
    }
  } catch {
    // Not base64url JSON: refused below like any other malformed cursor.
  }
  throw new ValidationError('after: not a cursor this listing gave (use the X-Next-Cursor of the previous page)', 'after');
}

// Keyset paging in the listing's order; `step IS ?` is equality that also holds for two nulls, and
// SQLite sorts nulls first, so a null-step position is followed by every non-null step of its attempt.
const PAGE_SQL = `SELECT rowid, attempt, step, name, value, at, epoch FROM metrics
  WHERE job_id = ? AND (? IS NULL OR name = ?)
    AND (? IS NULL OR name > ? OR (name = ? AND (attempt > ? OR (attempt = ? AND (
      (step IS ? AND rowid > ?) OR (? IS NULL AND step IS NOT NULL) OR step > ?)))))
  ORDER BY name, attempt, step, rowid LIMIT ?`;

export interface MetricPage {
  points: MetricRow[];
  /** Pass as `after` for the next page; null on the last one. */
  next_cursor: string | null;
}

/** One page of a job's points (at most `limit`), after the position `after` names. */
export function listMetricPage(ctx: CoreContext, jobId: number, options: { name?: string; limit: number; after?: string }): MetricPage {
  const from = options.after === undefined ? null : decodeCursor(options.after);
  const [name, attempt, step, rowid] = from ?? [null, null, null, null];
  const name_ = options.name ?? null;
  const rows = ctx.sql(PAGE_SQL).all(jobId, name_, name_, name, name, name, attempt, attempt, step, rowid, step, step, options.limit + 1) as Array<MetricRow & { rowid: number }>;
  const more = rows.length > options.limit;
  const page = more ? rows.slice(0, options.limit) : rows;
  const last = page.at(-1);
  return {
    points: page.map(({ rowid: _rowid, ...point }) => point),
    next_cursor: more && last ? encodeCursor([last.name, last.attempt, last.step, last.rowid]) : null,
  };
}
