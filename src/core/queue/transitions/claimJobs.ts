/**
 * claimJobs — hands a worker up to `max` queued jobs that fit what it has free, highest priority first.
 * In: worker id, optional free resources as the worker sees them, max.
 * Guards: worker exists and is online; each job is still queued and claimable (`WHERE state = 'queued'
 * AND retry_at IS NULL`; the UPDATE returns the ids it changed). The jobs are moved, read and given
 * their attempts rows with one statement each per claim, not per job.
 * Which jobs: planClaim (scheduler/planClaim.ts): backfill past jobs that do not fit, however many,
 * at a cost of one index probe per requirement shape; a job that has waited `reserveAfterMs` and
 * could fit this worker reserves it. Retry delays that have run out are released first.
 * A worker reserved for a job by preemption (workers.reserved_for) hands out that job alone, once its
 * victims have freed the room, and nothing while it waits; the reservation ends when the job is claimed.
 * Out: ClaimedJob[] (token left empty; the server fills it). Events: job.claimed per job, with how long it was queued.
 * The guards (claimingWorker) only read and the writes (claimFor) refuse nothing, so finishAndClaim
 * can refuse a claim and keep its results without a savepoint around the claim.
 */
import { ConflictError, type ClaimedJob, type FreeResources, type Requirements } from '../../../shared';
import type { CoreContext } from '../../context';
import { allocate, type Allocation, type WorkerCapacity } from '../../scheduler/capacity';
import { planClaim } from '../../scheduler/planClaim';
import { jobColumnList, jobRowFromValues, type JobRow } from '../../store/rows';
import { jobFromRow } from '../jobRows';
import { inChunks, placeholders, sqlByCount, valueRows } from '../../multiRowSql';
import { readClaimingWorker, workerCapacity, type WorkerRow, type WorkerSpec } from '../../workers/workerRows';
import { releaseDueRetries } from './releaseDueRetries';
import { FLIP_TALLY_MARK, TallyDeltas } from '../talliesInCode';

export function claimJobs(ctx: CoreContext, workerId: string, max: number, free?: FreeResources): ClaimedJob[] {
  return ctx.tx(() => {
    const worker = claimingWorker(ctx, workerId);
    return worker ? claimFor(ctx, worker, max, free) : [];
  });
}

/** A worker claimingWorker let through: its id and reservation, and its spec for the whole claim. */
export interface ClaimingWorker {
  row: Pick<WorkerRow, 'id' | 'reserved_for'>;
  worker: WorkerSpec;
}

/**
 * The claim's guards, which only read: the worker when it may claim, null when it takes nothing
 * now (draining, asked to stop), a typed error when it may not claim at all. Every refusal comes from
 * here, before the claim writes anything, so finishAndClaim keeps its results without a savepoint.
 */
export function claimingWorker(ctx: CoreContext, workerId: string): ClaimingWorker | null {
  const { spec: worker, reservedFor } = readClaimingWorker(ctx, workerId);
  if (worker.state === 'offline') throw new ConflictError(`worker ${workerId} is offline; register again`, 'id');
  return worker.state === 'draining' || worker.stopRequested ? null : { row: { id: worker.id, reserved_for: reservedFor }, worker };
}

/** The claim itself, for a worker claimingWorker let through; runs inside the caller's transaction. */
export function claimFor(ctx: CoreContext, { row, worker }: ClaimingWorker, max: number, free?: FreeResources): ClaimedJob[] {
  const workerId = row.id;
  releaseDueRetries(ctx);
  const now = ctx.now();
  const capacity = workerCapacity(ctx, worker, free);
  const { chosen } = row.reserved_for === null ? planClaim(ctx, worker, capacity, max) : claimReserved(ctx, workerId, row.reserved_for, capacity);
  const lease = now + ctx.settings.leaseTtlMs;
  const rows = claimJobRows(ctx, chosen, workerId, now);
  const taken = chosen.filter(({ id }) => rows.has(id));
  inChunks(taken, (chunk) => insertAttempts(ctx, chunk, rows, workerId, now, lease));
  return taken.map(({ id, alloc }) => {
    const job = rows.get(id) as JobRow;
    ctx.emit('job.claimed', id, workerId, { attempt: job.attempt, waited_ms: now - (job.queued_at ?? now) });
    return {
      job: jobFromRow(ctx, job),
      attempt: job.attempt,
      gpus: alloc.gpus,
      cuda_visible_devices: alloc.gpus.map((g) => g.index).join(','),
      lease_expires_at: lease,
      token: '',
    };
  });
}

/** The job preemption freed this worker for, when it fits; the reservation ends once it leaves the queue. */
function claimReserved(ctx: CoreContext, workerId: string, jobId: number, capacity: WorkerCapacity): { chosen: Array<{ id: number; alloc: Allocation }> } {
  const job = ctx.sql("SELECT requirements FROM jobs WHERE id = ? AND state = 'queued' AND retry_at IS NULL").get(jobId) as { requirements: string } | undefined;
  if (!job) {
    ctx.sql('UPDATE workers SET reserved_for = NULL WHERE id = ?').run(workerId);
    return { chosen: [] };
  }
  const alloc = allocate(capacity, JSON.parse(job.requirements) as Requirements);
  if (!alloc) return { chosen: [] };
  ctx.sql('UPDATE workers SET reserved_for = NULL WHERE id = ?').run(workerId);
  return { chosen: [{ id: jobId, alloc }] };
}

/**
 * Moves the chosen jobs that are still claimable to running, and returns their rows as they now
 * stand by id: one UPDATE and one read per chunk of jobs instead of one each per job (issue 19).
 * The UPDATE returns only the ids it changed: SQLite's RETURNING of all ~40 columns cost more than
 * reading them afterwards. A chunk of more than one job flips tally_mark, so the tallies trigger
 * skips its rows, and the tallies they move are written with one upsert for the claim
 * (talliesInCode.ts). A claim of one leaves them to the trigger: for one row the upsert cost more
 * than the trigger (~9 µs a job at one per claim, 0 of 10 alternated rounds lower; bench/README).
 */
function claimJobRows(ctx: CoreContext, chosen: ReadonlyArray<{ id: number }>, workerId: string, now: number): Map<number, JobRow> {
  const rows = new Map<number, JobRow>();
  const tallies = new TallyDeltas();
  inChunks(chosen, (chunk) => {
    const ids = chunk.map(({ id }) => id);
    const changed = ctx
      .rawSql(claimSql(ids.length))
      .all(workerId, now, ...ids) as unknown[][];
    if (changed.length === 0) return;
    const changedIds = changed.map((values) => values[0]);
    for (const values of ctx.rawSql(selectJobsSql(changedIds.length)).all(...changedIds) as unknown[][]) {
      const row = jobRowFromValues(values);
      rows.set(row.id, row);
      // The UPDATE changed only queued rows (its WHERE), and of what the tallies are keyed by only the state.
      if (ids.length > 1) tallies.moved('queued', 'running', row);
    }
  });
  tallies.write(ctx);
  return rows;
}

/** One attempts row per job claimed, in one INSERT. */
function insertAttempts(ctx: CoreContext, chunk: ReadonlyArray<{ id: number; alloc: Allocation }>, rows: Map<number, JobRow>, workerId: string, now: number, lease: number): void {
  const values: unknown[] = [];
  for (const { id, alloc } of chunk) values.push(id, (rows.get(id) as JobRow).attempt, workerId, now, lease, JSON.stringify(alloc.gpus), alloc.cpus, alloc.memory_mb);
  ctx.sql(insertAttemptsSql(chunk.length)).run(...values);
}

const claimSql = sqlByCount(
  (count) => `UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = ?, started_at = ?${count > 1 ? `, ${FLIP_TALLY_MARK}` : ''} WHERE id IN (${placeholders(count)}) AND state = 'queued' AND retry_at IS NULL RETURNING id`,
);
const selectJobsSql = sqlByCount((count) => `SELECT ${jobColumnList()} FROM jobs WHERE id IN (${placeholders(count)})`);
const insertAttemptsSql = sqlByCount(
  (count) => `INSERT INTO attempts (job_id, attempt, worker_id, started_at, lease_expires_at, gpus, cpus, memory_mb) VALUES ${valueRows(count, 8)}`,
);
