import { NotFoundError, type ClaimedSuite, type JobInput, type Suite, type SuiteHook, type SuiteWorker } from '../../shared';
import type { CoreContext } from '../context';

/** A suites row as stored; JSON columns are text. */
export interface SuiteRow {
  id: number;
  name: string;
  project_id: number;
  labels: string;
  tags: string;
  priority: number;
  setup: string | null;
  cleanup: string | null;
  idle_close_s: number | null;
  state: Suite['state'];
  total: number;
  waiting: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  blocked: number;
  created_at: number;
  last_activity_at: number;
  closed_at: number | null;
  closed_by: Suite['closed_by'];
  /** JobInput[] as JSON, pinned at create. */
  inputs: string;
}

/**
 * A suite named on the command line or in a path: digits are an id; a name is its open suite, else
 * the newest closed one of that name (names may be used again once closed).
 */
export function findSuiteRow(ctx: CoreContext, ref: string | number): SuiteRow | undefined {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return ctx.sql('SELECT * FROM suites WHERE id = ?').get(Number(ref)) as SuiteRow | undefined;
  return ctx.sql("SELECT * FROM suites WHERE name = ? ORDER BY state = 'open' DESC, id DESC LIMIT 1").get(ref) as SuiteRow | undefined;
}

export function requireSuiteRow(ctx: CoreContext, ref: string | number, field = 'suite'): SuiteRow {
  const row = findSuiteRow(ctx, ref);
  if (!row) throw new NotFoundError(`${field}: suite "${ref}" does not exist`, field);
  return row;
}

export function suiteWorkers(ctx: CoreContext, suiteId: number): SuiteWorker[] {
  return ctx.sql(`SELECT s.worker_id, COALESCE(w.name, s.worker_id) AS worker_name, s.state, s.setup_failures, s.setups, s.updated_at
    FROM suite_workers s LEFT JOIN workers w ON w.id = s.worker_id WHERE s.suite_id = ? ORDER BY worker_name`).all(suiteId) as SuiteWorker[];
}

const parseHook = (text: string | null): SuiteHook | null => (text === null ? null : (JSON.parse(text) as SuiteHook));

export function toSuite(ctx: CoreContext, row: SuiteRow): Suite {
  return {
    id: row.id,
    name: row.name,
    project: ctx.projectName(row.project_id),
    labels: JSON.parse(row.labels) as Record<string, string>,
    tags: JSON.parse(row.tags) as string[],
    priority: row.priority,
    setup: parseHook(row.setup),
    cleanup: parseHook(row.cleanup),
    state: row.state,
    idle_close_s: row.idle_close_s,
    inputs: JSON.parse(row.inputs) as JobInput[],
    counts: {
      total: row.total,
      waiting: row.waiting,
      queued: row.queued,
      running: row.running,
      succeeded: row.succeeded,
      failed: row.failed,
      cancelled: row.cancelled,
      blocked: row.blocked,
    },
    workers: suiteWorkers(ctx, row.id),
    created_at: row.created_at,
    last_activity_at: row.last_activity_at,
    closed_at: row.closed_at,
    closed_by: row.closed_by,
  };
}

/** Suite names by id; a suite is never renamed, so the cache cannot go stale. */
const names = new WeakMap<CoreContext, Map<number, string>>();

export function suiteName(ctx: CoreContext, id: number): string {
  let cache = names.get(ctx);
  if (!cache) names.set(ctx, (cache = new Map()));
  let name = cache.get(id);
  if (name === undefined) {
    name = (ctx.sql('SELECT name FROM suites WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? String(id);
    cache.set(id, name);
  }
  return name;
}

/** What the claim hands the agent with a job of this suite. */
export function suiteHooks(ctx: CoreContext, id: number): ClaimedSuite {
  const row = ctx.sql('SELECT id, name, setup, cleanup, inputs FROM suites WHERE id = ?').get(id) as Pick<SuiteRow, 'id' | 'name' | 'setup' | 'cleanup' | 'inputs'>;
  return { id: row.id, name: row.name, setup: parseHook(row.setup), cleanup: parseHook(row.cleanup), inputs: JSON.parse(row.inputs) as JobInput[] };
}
