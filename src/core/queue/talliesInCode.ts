/**
 * The job tallies (job_tallies: counts per project and state, queued jobs per shape, jobs submitted
 * and finished per hour) of the hot statements, summed in code and written once per statement
 * instead of once per row by the tallies triggers (issue 19): a claim of ten, a batch of ten
 * successes and a 64-row submit INSERT each moved the same two or three tally rows once per job.
 *
 * Every other writer of `jobs` (cancel, retry, dependents, preemption, removals, suites,
 * maintenance, migrations, and any other process or tool that opens the file) stays counted by
 * the triggers, unchanged: only rows a hot statement marks are skipped, and that statement's
 * caller writes their tallies in the same transaction. The marks, and why each:
 * - An UPDATE flips the row's `jobs.tally_mark` (FLIP_TALLY_MARK); job_tallies_update skips a row
 *   whose mark changed. The mark is part of the row, so nothing outlives the statement: no state
 *   to leave behind on an error or a crash, none another connection could see, and the check is
 *   a comparison of two values the trigger already has (a lookup per row, as the switch below
 *   needs, cost about as much as the trigger work it saved).
 * - An INSERT cannot use the mark (a copy of a row, `INSERT … SELECT` of every column as
 *   bench/queue/copyJobs.ts does, would carry it), so job_tallies_insert skips while the switch
 *   row (kind 3) has n > 0, which withInsertTallies raises and lowers around the INSERT inside
 *   its own write transaction: other connections never see it raised (one writer at a time;
 *   readers see only committed rows, in which it is 0), a crash rolls the raise back, and an
 *   error lowers it on the way out. A missing switch row counts as lowered (the trigger tests NOT
 *   EXISTS a raised one), so a damaged table fails towards the trigger counting, never silence.
 * Either way an error between the statement and its tallies' upsert rolls back the whole
 * transaction: nothing between a transition and ctx.tx catches an error that is not a guard's
 * GantryError, and the guards run before any write.
 */
import type { JobState } from '../../shared';
import type { CoreContext } from '../context';
import { inChunks, sqlByCount, valueRows } from '../multiRowSql';

/** job_tallies' kinds, as the schema numbers them (store/schema/stagedData.ts). */
const FLOW = 0;
const COUNTS = 1;
const SHAPES = 2;
/** The switch row (kind 3, key 0, state ''): n > 0 only while withInsertTallies' INSERT runs. */
const SWITCH = 3;
const HOUR_MS = 3_600_000;

/** The SET clause term of an UPDATE whose rows' tallies its caller writes (TallyDeltas): job_tallies_update skips them. */
export const FLIP_TALLY_MARK = 'tally_mark = 1 - tally_mark';

/** What a job's tallies are keyed by, as its row stands after the change. */
export interface TalliedJob {
  project_id: number;
  shape_id: number | null;
  finished_at: number | null;
}

/**
 * Tally changes summed per tally row. `moved` and `inserted` mirror the job_tallies_update and
 * job_tallies_insert triggers' bodies change for change; keep them in step with those.
 * A statement's rows share a handful of tally rows (one project, one shape, one hour), so the
 * sums are kept in a short list searched from its end: no key strings built per job.
 */
export class TallyDeltas {
  private readonly kinds: number[] = [];
  private readonly keys: number[] = [];
  private readonly states: string[] = [];
  private readonly sums: number[] = [];

  /** A job moved from `from` to `to` (different states), as job_tallies_update counts it. */
  moved(from: JobState, to: JobState, job: TalliedJob): void {
    this.bump(COUNTS, job.project_id, from, -1);
    this.bump(COUNTS, job.project_id, to, 1);
    if (job.shape_id !== null && from === 'queued') this.bump(SHAPES, job.shape_id, '', -1);
    if (job.shape_id !== null && to === 'queued') this.bump(SHAPES, job.shape_id, '', 1);
    if (job.finished_at !== null) this.bump(FLOW, hourOf(job.finished_at), to, 1);
  }

  /** A job inserted in `state`, created at `createdAt`, as job_tallies_insert counts it. */
  inserted(state: JobState, createdAt: number, projectId: number, shapeId: number | null): void {
    this.bump(FLOW, hourOf(createdAt), 'submitted', 1);
    this.bump(COUNTS, projectId, state, 1);
    if (shapeId !== null && state === 'queued') this.bump(SHAPES, shapeId, '', 1);
  }

  /** Writes the sums that are not zero, plus `extra` rows (kind, key, state, n), as upserts; then starts empty. */
  write(ctx: CoreContext, extra: unknown[][] = []): void {
    const rows: unknown[][] = [];
    for (let i = 0; i < this.sums.length; i++) if (this.sums[i] !== 0) rows.push([this.kinds[i], this.keys[i], this.states[i], this.sums[i]]);
    rows.push(...extra);
    inChunks(rows, (chunk) => ctx.sql(upsertSql(chunk.length)).run(...chunk.flat()));
    this.kinds.length = this.keys.length = this.states.length = this.sums.length = 0;
  }

  private bump(kind: number, key: number, state: string, n: number): void {
    for (let i = this.sums.length - 1; i >= 0; i--) {
      if (this.keys[i] === key && this.kinds[i] === kind && this.states[i] === state) {
        this.sums[i] += n;
        return;
      }
    }
    this.kinds.push(kind);
    this.keys.push(key);
    this.states.push(state);
    this.sums.push(n);
  }
}

/** SQLite's `t / 3600000 * 3600000` on an integer, as the triggers compute the hour. */
function hourOf(t: number): number {
  return Math.trunc(t / HOUR_MS) * HOUR_MS;
}

/**
 * Runs `insert` (INSERTs into jobs, and nothing else that changes a job's state) with
 * job_tallies_insert skipping, then writes the tallies `insert` put in `deltas` and lowers the
 * switch in one upsert.
 */
export function withInsertTallies(ctx: CoreContext, insert: (deltas: TallyDeltas) => void): void {
  ctx.sql(RAISE_SWITCH).run();
  try {
    const deltas = new TallyDeltas();
    insert(deltas);
    deltas.write(ctx, [[SWITCH, 0, '', -1]]);
  } catch (error) {
    ctx.sql(LOWER_SWITCH).run();
    throw error;
  }
}

// Raised and lowered by one rather than set to 1 and 0, so the row stays right even if one
// withInsertTallies ever ran inside another (the trigger skips while any is open).
const RAISE_SWITCH = `INSERT INTO job_tallies (kind, key, state, n) VALUES (${SWITCH}, 0, '', 1) ON CONFLICT DO UPDATE SET n = n + 1`;
const LOWER_SWITCH = `UPDATE job_tallies SET n = n - 1 WHERE kind = ${SWITCH} AND key = 0 AND state = ''`;
const upsertSql = sqlByCount(
  (count) => `INSERT INTO job_tallies (kind, key, state, n) VALUES ${valueRows(count, 4)} ON CONFLICT DO UPDATE SET n = n + excluded.n`,
);
