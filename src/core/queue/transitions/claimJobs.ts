/**
 * claimJobs — hands a worker up to `max` queued jobs that fit what it has free, highest priority first.
 * In: worker id, optional free resources as the worker sees them, max.
 * Guards: worker exists and is online; each job is still queued (`WHERE state = 'queued'`, changed-row check).
 * Starvation: a job that does not fit now is skipped, so smaller jobs behind it run (backfill), until it
 * has waited `reserveAfterMs`; then it reserves this worker (if the worker could ever fit it): nothing
 * ranked below it is handed out here until it fits.
 * Out: ClaimedJob[] (token left empty; the server fills it). Events: job.claimed per job.
 */
import { ConflictError, type ClaimedJob, type FreeResources, type Requirements } from '../../../shared';
import type { CoreContext } from '../../context';
import { allocate, couldEverFit } from '../../scheduler/capacity';
import { JOB_SELECT, toJob, type JobRow } from '../../store/rows';
import { requireWorkerRow, toWorkerSpec, workerCapacity } from '../../workers/workerRows';

interface Candidate {
  id: number;
  priority: number;
  requirements: string;
  queued_at: number;
}

const PAGE = 64;

export function claimJobs(ctx: CoreContext, workerId: string, max: number, free?: FreeResources): ClaimedJob[] {
  return ctx.tx(() => {
    const worker = toWorkerSpec(requireWorkerRow(ctx, workerId));
    if (worker.state === 'offline') throw new ConflictError(`worker ${workerId} is offline; register again`, 'id');
    if (worker.state === 'draining') return [];
    const now = ctx.now();
    ctx.sql('UPDATE workers SET last_seen_at = ? WHERE id = ?').run(now, workerId);
    const capacity = workerCapacity(ctx, worker, free);
    const chosen: Array<{ id: number; alloc: NonNullable<ReturnType<typeof allocate>> }> = [];
    const parsed = new Map<string, Requirements>();
    let scanned = 0;
    let cursor: { priority: number; id: number } | null = null;
    scan: while (chosen.length < max && scanned < ctx.settings.claimScanLimit) {
      const page = (cursor
        ? ctx.sql(`SELECT id, priority, requirements, queued_at FROM jobs WHERE state = 'queued' AND (priority < ? OR (priority = ? AND id > ?))
            ORDER BY priority DESC, id LIMIT ${PAGE}`).all(cursor.priority, cursor.priority, cursor.id)
        : ctx.sql(`SELECT id, priority, requirements, queued_at FROM jobs WHERE state = 'queued' ORDER BY priority DESC, id LIMIT ${PAGE}`).all()) as Candidate[];
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
      if (page.length < PAGE) break;
      const last = page[page.length - 1];
      cursor = { priority: last.priority, id: last.id };
    }
    const lease = now + ctx.settings.leaseTtlMs;
    const claimed: ClaimedJob[] = [];
    for (const { id, alloc } of chosen) {
      const row = ctx.sql(`UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = ?, started_at = ? WHERE id = ? AND state = 'queued' RETURNING id`).get(workerId, now, id);
      if (!row) continue;
      const job = ctx.sql(`${JOB_SELECT} WHERE jobs.id = ?`).get(id) as JobRow;
      ctx.sql('INSERT INTO attempts (job_id, attempt, worker_id, started_at, lease_expires_at, gpus, cpus, memory_mb) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, job.attempt, workerId, now, lease, JSON.stringify(alloc.gpus), alloc.cpus, alloc.memory_mb);
      ctx.emit('job.claimed', id, workerId, { attempt: job.attempt });
      claimed.push({
        job: toJob(job),
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
