import type { CoreContext } from '../../context';
import { inChunks, sqlByCount, valueRows } from '../../multiRowSql';
import { FLIP_TALLY_MARK, TallyDeltas } from '../talliesInCode';

/** One held-back success: the values its attempt's and its job's rows get. */
interface PendingSuccess {
  jobId: number;
  /** The job's project, whose running and succeeded counts the success moves. */
  projectId: number;
  attempt: number;
  finishedAt: number;
  exitCode: number | null;
  error: string | null;
}

/**
 * The plain successes of a finish batch (the job running this very attempt, no dependents, no
 * preemption: what nearly every report is), held back and written together (issue 19): per chunk
 * one UPDATE of their attempts rows and one of their jobs rows, instead of two UPDATEs per job.
 * Nothing a success writes is read by another report's guards except a second report of the same
 * job, so the caller writes what is held before checking a job already held, before any other
 * report's writes (they stay in report order) and before the batch ends.
 */
export class PendingSuccesses {
  private rows: PendingSuccess[] = [];
  private readonly jobIds = new Set<number>();

  constructor(private readonly ctx: CoreContext) {}

  has(jobId: number): boolean {
    return this.jobIds.has(jobId);
  }

  add(success: PendingSuccess): void {
    this.rows.push(success);
    this.jobIds.add(success.jobId);
  }

  /** Writes every held success; the holder starts empty. */
  write(): void {
    if (this.rows.length === 0) return;
    inChunks(this.rows, (chunk) => (chunk.length === 1 ? writeOne(this.ctx, chunk[0]) : writeMany(this.ctx, chunk)));
    this.rows = [];
    this.jobIds.clear();
  }
}

/**
 * One success by itself, with the statements finishAttempt's other paths run: for a single row an
 * UPDATE … FROM (VALUES …) costs more than the plain UPDATE (the join's setup; ~9 µs a job more,
 * measured on raw SQL), so a batch of one, the common report of one job per claim, stays as it was.
 */
function writeOne(ctx: CoreContext, row: PendingSuccess): void {
  ctx.sql('UPDATE attempts SET finished_at = ?, outcome = ?, exit_code = ?, error = ? WHERE job_id = ? AND attempt = ?')
    .run(row.finishedAt, 'succeeded', row.exitCode, row.error, row.jobId, row.attempt);
  ctx.sql('UPDATE jobs SET state = ?, finished_at = ?, exit_code = ?, error = ? WHERE id = ?').run('succeeded', row.finishedAt, row.exitCode, null, row.jobId);
}

/**
 * Many successes: one UPDATE of their attempts rows, one of their jobs rows (flipping tally_mark, so
 * the tallies trigger skips them), and one upsert of the tallies they move (talliesInCode.ts). Each
 * job is still running the reported attempt when written (see the class comment), so each moves
 * from running to succeeded, finished at its finishedAt.
 */
function writeMany(ctx: CoreContext, chunk: readonly PendingSuccess[]): void {
  const attempts: unknown[] = [];
  const jobs: unknown[] = [];
  const tallies = new TallyDeltas();
  for (const row of chunk) {
    attempts.push(row.jobId, row.attempt, row.finishedAt, row.exitCode, row.error);
    jobs.push(row.jobId, row.finishedAt, row.exitCode);
    // No shape tally moves (neither state is queued), so the shape is not needed.
    tallies.moved('running', 'succeeded', { project_id: row.projectId, shape_id: null, finished_at: row.finishedAt });
  }
  ctx.sql(finishAttemptsSql(chunk.length)).run(...attempts);
  ctx.sql(succeedJobsSql(chunk.length)).run(...jobs);
  tallies.write(ctx);
}

// UPDATE … FROM (VALUES …): SQLite scans the values and finds each row by its key (one B-tree search
// per row, as the per-job UPDATE did), with each row's own finish time and exit code.
const finishAttemptsSql = sqlByCount(
  (count) => `UPDATE attempts SET finished_at = v.column3, outcome = 'succeeded', exit_code = v.column4, error = v.column5
  FROM (VALUES ${valueRows(count, 5)}) AS v WHERE attempts.job_id = v.column1 AND attempts.attempt = v.column2`,
);
const succeedJobsSql = sqlByCount(
  (count) => `UPDATE jobs SET state = 'succeeded', finished_at = v.column2, exit_code = v.column3, error = NULL, ${FLIP_TALLY_MARK}
  FROM (VALUES ${valueRows(count, 3)}) AS v WHERE jobs.id = v.column1`,
);
