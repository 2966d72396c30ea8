/**
 * claimJobs — hands a worker up to `max` queued jobs that fit what it has free, highest priority first.
 * In: worker id, optional free resources as the worker sees them, max.
 * Guards: worker exists and is online; each job is still queued and claimable (`WHERE state = 'queued'
 * AND retry_at IS NULL`, changed-row check).
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
import type { JobRow } from '../../store/rows';
import { findJobRow, jobFromRow } from '../jobRows';
import { readClaimingWorker, workerCapacity, type WorkerRow, type WorkerSpec } from '../../workers/workerRows';
import { releaseDueRetries } from './releaseDueRetries';

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
  const claimed: ClaimedJob[] = [];
  for (const { id, alloc } of chosen) {
    const job = claimJobRow(ctx, id, workerId, now);
    if (!job) continue;
    ctx.sql('INSERT INTO attempts (job_id, attempt, worker_id, started_at, lease_expires_at, gpus, cpus, memory_mb) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, job.attempt, workerId, now, lease, JSON.stringify(alloc.gpus), alloc.cpus, alloc.memory_mb);
    ctx.emit('job.claimed', id, workerId, { attempt: job.attempt, waited_ms: now - (job.queued_at ?? now) });
    claimed.push({
      job: jobFromRow(ctx, job),
      attempt: job.attempt,
      gpus: alloc.gpus,
      cuda_visible_devices: alloc.gpus.map((g) => g.index).join(','),
      lease_expires_at: lease,
      token: '',
    });
  }
  return claimed;
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
 * Moves one queued job to running and returns its row as it now stands, or undefined when it was not
 * claimable. The row is read, then updated without `RETURNING *`: SQLite's RETURNING of all ~40
 * columns cost more than a plain read of them plus patching the four columns the UPDATE sets.
 */
function claimJobRow(ctx: CoreContext, id: number, workerId: string, now: number): JobRow | undefined {
  const row = findJobRow(ctx, id);
  if (!row) return undefined;
  const changed = ctx.sql("UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = ?, started_at = ? WHERE id = ? AND state = 'queued' AND retry_at IS NULL").run(workerId, now, id).changes;
  return changed === 1 ? { ...row, state: 'running', attempt: row.attempt + 1, worker_id: workerId, started_at: now } : undefined;
}
