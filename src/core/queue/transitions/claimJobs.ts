/**
 * claimJobs — hands a worker up to `max` queued jobs that fit what it has free, highest priority first.
 * In: worker id, optional free resources as the worker sees them, max.
 * Guards: worker exists and is online; each job is still queued (`WHERE state = 'queued'`, changed-row check).
 * Starvation: a job that does not fit now is skipped, so smaller jobs behind it run (backfill), until it
 * has waited `reserveAfterMs`; then it reserves this worker (if the worker could ever fit it): nothing
 * ranked below it is handed out here until it fits.
 * Out: ClaimedJob[] (token left empty; the server fills it). Events: job.claimed per job, with how long it was queued.
 */
import { ConflictError, type ClaimedJob, type FreeResources, type Requirements } from '../../../shared';
import type { CoreContext } from '../../context';
import { allocate, couldEverFit } from '../../scheduler/capacity';
import type { JobRow } from '../../store/rows';
import { jobFromRow } from '../jobRows';
import { requireWorkerRow, toWorkerSpec, workerCapacity } from '../../workers/workerRows';

interface Candidate {
  id: number;
  priority: number;
  requirements: string;
  queued_at: number;
}

/**
 * The queries name jobs_claim: without statistics SQLite would pick the (state, id) index and sort.
 * The first page is small (the head of the queue usually fits); pages grow while jobs are skipped.
 */
const FIRST_PAGE = 4;
const MAX_PAGE = 256;

export function claimJobs(ctx: CoreContext, workerId: string, max: number, free?: FreeResources): ClaimedJob[] {
  return ctx.tx(() => {
    const worker = toWorkerSpec(requireWorkerRow(ctx, workerId));
    if (worker.state === 'offline') throw new ConflictError(`worker ${workerId} is offline; register again`, 'id');
    if (worker.state === 'draining' || worker.stopRequested) return [];
    const now = ctx.now();
    const capacity = workerCapacity(ctx, worker, free);
    const chosen: Array<{ id: number; alloc: NonNullable<ReturnType<typeof allocate>> }> = [];
    const parsed = new Map<string, Requirements>();
    let scanned = 0;
    let cursor: { priority: number; id: number } | null = null;
    let pageSize = Math.min(MAX_PAGE, Math.max(FIRST_PAGE, max * 2));
    scan: while (chosen.length < max && scanned < ctx.settings.claimScanLimit) {
      const page = (cursor
        ? ctx.sql(`SELECT id, priority, requirements, queued_at FROM jobs INDEXED BY jobs_claim WHERE state = 'queued' AND (priority < ? OR (priority = ? AND id > ?))
            ORDER BY priority DESC, id LIMIT ?`).all(cursor.priority, cursor.priority, cursor.id, pageSize)
        : ctx.sql(`SELECT id, priority, requirements, queued_at FROM jobs INDEXED BY jobs_claim WHERE state = 'queued' ORDER BY priority DESC, id LIMIT ?`).all(pageSize)) as Candidate[];
      for (const job of page) {
        scanned++;
        let req = parsed.get(job.requirements);
        if (!req) {
          req = JSON.parse(job.requirements) as Requirements;
          parsed.set(job.requirements, req);
        }
        const alloc = allocate(capacity, req);
        if (alloc) {
          chosen.push({ id: job.id, alloc });
          if (chosen.length >= max) break scan;
        } else if (now - job.queued_at >= ctx.settings.reserveAfterMs && couldEverFit(worker, req)) {
          break scan;
        }
      }
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      cursor = { priority: last.priority, id: last.id };
      pageSize = Math.min(MAX_PAGE, pageSize * 4);
    }
    const lease = now + ctx.settings.leaseTtlMs;
    const claimed: ClaimedJob[] = [];
    for (const { id, alloc } of chosen) {
      const job = ctx.sql(`UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = ?, started_at = ? WHERE id = ? AND state = 'queued' RETURNING *`).get(workerId, now, id) as JobRow | undefined;
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
  });
}
