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

const COLUMNS = 'SELECT rowid, attempt, step, name, value, at, epoch FROM metrics';
const ORDER = 'ORDER BY name, attempt, step, rowid LIMIT ?';

/**
 * The listing's order is that of the index metrics_series_step (job_id, name, attempt, step, then
 * the rowid every index ends with), so each page is one seek and a walk of `limit` entries, however
 * deep in a million points it starts. A position is resumed in up to three such walks, because a
 * null step sorts first but compares as unknown, so no single row-value range says "after it":
 * the rest of its attempt's null steps, then the attempt's numbered steps, then the later series.
 * Exported for the test that checks each walk's query plan.
 */
export const PAGE_WALKS = {
  first: `${COLUMNS} WHERE job_id = ? ${ORDER}`,
  firstOfName: `${COLUMNS} WHERE job_id = ? AND name = ? ${ORDER}`,
  nullStepsAfter: `${COLUMNS} WHERE job_id = ? AND name = ? AND attempt = ? AND step IS NULL AND rowid > ? ${ORDER}`,
  numberedSteps: `${COLUMNS} WHERE job_id = ? AND name = ? AND attempt = ? AND step IS NOT NULL ${ORDER}`,
  stepsAfter: `${COLUMNS} WHERE job_id = ? AND name = ? AND attempt = ? AND (step, rowid) > (?, ?) ${ORDER}`,
  laterSeries: `${COLUMNS} WHERE job_id = ? AND (name, attempt) > (?, ?) ${ORDER}`,
  laterAttempts: `${COLUMNS} WHERE job_id = ? AND name = ? AND attempt > ? ${ORDER}`,
} as const;

type Walk = [sql: string, ...args: Array<string | number>];

/** The walks that read on from `from`, in the listing's order, each given `limit` after its own arguments. */
function walksAfter(jobId: number, name: string | null, from: Position | null): Walk[] {
  if (!from) return [name === null ? [PAGE_WALKS.first, jobId] : [PAGE_WALKS.firstOfName, jobId, name]];
  const [atName, attempt, step, rowid] = from;
  // A cursor of another name than the one asked for: only that name's later attempts can follow.
  const later: Walk = name === null ? [PAGE_WALKS.laterSeries, jobId, atName, attempt] : name === atName ? [PAGE_WALKS.laterAttempts, jobId, name, attempt] : [PAGE_WALKS.firstOfName, jobId, name];
  if (name !== null && name !== atName) return atName < name ? [later] : [];
  if (step === null) return [[PAGE_WALKS.nullStepsAfter, jobId, atName, attempt, rowid], [PAGE_WALKS.numberedSteps, jobId, atName, attempt], later];
  return [[PAGE_WALKS.stepsAfter, jobId, atName, attempt, step, rowid], later];
}

export interface MetricPage {
  points: MetricRow[];
  /** Pass as `after` for the next page; null on the last one. */
  next_cursor: string | null;
}

/** One page of a job's points (at most `limit`), after the position `after` names. */
export function listMetricPage(ctx: CoreContext, jobId: number, options: { name?: string; limit: number; after?: string }): MetricPage {
  const from = options.after === undefined ? null : decodeCursor(options.after);
  // One row past the page says whether another follows.
  const wanted = options.limit + 1;
  const rows: Array<MetricRow & { rowid: number }> = [];
  for (const [sql, ...args] of walksAfter(jobId, options.name ?? null, from)) {
    rows.push(...(ctx.sql(sql).all(...args, wanted - rows.length) as Array<MetricRow & { rowid: number }>));
    if (rows.length >= wanted) break;
  }
  const more = rows.length > options.limit;
  const page = more ? rows.slice(0, options.limit) : rows;
  const last = page.at(-1);
  return {
    points: page.map(({ rowid: _rowid, ...point }) => point),
    next_cursor: more && last ? encodeCursor([last.name, last.attempt, last.step, last.rowid]) : null,
  };
}
