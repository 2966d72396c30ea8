import { MetricRow, ValidationError } from '../../shared';
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

/** The listing's fields, named as on the wire (MetricRow), which are also the metrics table's column names. */
const FIELDS = Object.keys(MetricRow.shape).join(', ');
const ORDER = 'ORDER BY name, attempt, step, rowid';

/**
 * The listing's order is that of the index metrics_series_step (job_id, name, attempt, step, then
 * the rowid every index ends with), so each page is one seek and a walk of `limit` entries, however
 * deep in a million points it starts. A position is resumed in up to three such walks, because a
 * null step sorts first but compares as unknown, so no single row-value range says "after it":
 * the rest of its attempt's null steps, then the attempt's numbered steps, then the later series.
 */
const WALK_RANGES = {
  first: 'job_id = ?',
  firstOfName: 'job_id = ? AND name = ?',
  nullStepsAfter: 'job_id = ? AND name = ? AND attempt = ? AND step IS NULL AND rowid > ?',
  numberedSteps: 'job_id = ? AND name = ? AND attempt = ? AND step IS NOT NULL',
  stepsAfter: 'job_id = ? AND name = ? AND attempt = ? AND (step, rowid) > (?, ?)',
  laterSeries: 'job_id = ? AND (name, attempt) > (?, ?)',
  laterAttempts: 'job_id = ? AND name = ? AND attempt > ?',
} as const;
type WalkName = keyof typeof WALK_RANGES;

function eachWalk(sql: (range: string) => string): Record<WalkName, string> {
  return Object.fromEntries(Object.entries(WALK_RANGES).map(([walk, range]) => [walk, sql(range)])) as Record<WalkName, string>;
}

/** Each walk's rows (given `limit` last). Exported, as are the next two, for the test that checks each walk's query plan. */
export const PAGE_WALKS = eachWalk((range) => `SELECT rowid, ${FIELDS} FROM metrics WHERE ${range} ${ORDER} LIMIT ?`);
/**
 * Each walk's rows (up to `limit`) as the JSON text of the wire's array, and their count. SQLite
 * writes it: a 10,000-point page otherwise costs 10,000 row objects to build, stringify and collect.
 * The aggregate takes the rows in the subquery's order (its LIMIT keeps SQLite from flattening it).
 */
export const PAGE_JSON_WALKS = eachWalk(
  (range) => `SELECT json_group_array(json_object(${FIELDS.split(', ').map((field) => `'${field}', ${field}`).join(', ')})), COUNT(*) FROM (SELECT ${FIELDS} FROM metrics WHERE ${range} ${ORDER} LIMIT ?)`,
);
/** The position of a walk's row at an offset, and whether another follows it: two entries of the index alone. */
export const PAGE_KEY_WALKS = eachWalk((range) => `SELECT name, attempt, step, rowid FROM metrics WHERE ${range} ${ORDER} LIMIT 2 OFFSET ?`);

type Walk = [walk: WalkName, ...args: Array<string | number>];

/** The walks that read on from `from`, in the listing's order, each given `limit` after its own arguments. */
function walksAfter(jobId: number, name: string | null, from: Position | null): Walk[] {
  if (!from) return [name === null ? ['first', jobId] : ['firstOfName', jobId, name]];
  const [atName, attempt, step, rowid] = from;
  // A cursor of another name than the one asked for: only that name's later attempts can follow.
  const later: Walk = name === null ? ['laterSeries', jobId, atName, attempt] : name === atName ? ['laterAttempts', jobId, name, attempt] : ['firstOfName', jobId, name];
  if (name !== null && name !== atName) return atName < name ? [later] : [];
  if (step === null) return [['nullStepsAfter', jobId, atName, attempt, rowid], ['numberedSteps', jobId, atName, attempt], later];
  return [['stepsAfter', jobId, atName, attempt, step, rowid], later];
}

export interface MetricPageJson {
  /** The page's points as a JSON array, as MetricRow shapes them. */
  json: string;
  next_cursor: string | null;
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
  for (const [walk, ...args] of walksAfter(jobId, options.name ?? null, from)) {
    rows.push(...(ctx.sql(PAGE_WALKS[walk]).all(...args, wanted - rows.length) as Array<MetricRow & { rowid: number }>));
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

/** listMetricPage's page as the JSON text of its points, which the server sends as it is. */
export function listMetricPageJson(ctx: CoreContext, jobId: number, options: { name?: string; limit: number; after?: string }): MetricPageJson {
  const from = options.after === undefined ? null : decodeCursor(options.after);
  const parts: string[] = [];
  let taken = 0;
  let last: Position | null = null;
  for (const [walk, ...args] of walksAfter(jobId, options.name ?? null, from)) {
    if (taken === options.limit) {
      // The page is full: any row of a later walk means another page follows.
      if (ctx.sql(PAGE_KEY_WALKS[walk]).raw().all(...args, 0).length > 0) return { json: `[${parts.join(',')}]`, next_cursor: last && encodeCursor(last) };
      continue;
    }
    const [json, count] = ctx.sql(PAGE_JSON_WALKS[walk]).raw().get(...args, options.limit - taken) as [string, number];
    if (count === 0) continue;
    parts.push(json.slice(1, -1));
    taken += count;
    const [end, next] = ctx.sql(PAGE_KEY_WALKS[walk]).raw().all(...args, count - 1) as Position[];
    last = end;
    if (next) return { json: `[${parts.join(',')}]`, next_cursor: encodeCursor(end) };
  }
  return { json: `[${parts.join(',')}]`, next_cursor: null };
}
