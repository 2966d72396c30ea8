/**
 * claimNamedJob — hands a worker one given queued job: for a worker that is a bridge to a system
 * with its own scheduler (Slurm per-job mode), which sends the job there while it is still queued
 * and claims it only once that system starts it, so the job reads `queued` while Slurm has it
 * pending and `running` once it runs.
 * In: worker id, job id.
 * Guards: worker exists and is online; the job is queued and claimable (`WHERE state = 'queued'
 * AND retry_at IS NULL`, changed-row check) and the worker has every tag it requires. The other
 * system keeps the resource books, so the attempt records the job's request, no GPU of the worker.
 * Out: the ClaimedJob (token left empty), or null when the job was not claimable (cancelled,
 * waiting for a retry, or claimed already). Events: job.claimed, with how long it was queued.
 */
import { ConflictError, type ClaimedJob, type Requirements } from '../../../shared';
import type { CoreContext } from '../../context';
import { hasTags } from '../../scheduler/capacity';
import type { JobRow } from '../../store/rows';
import { jobFromRow } from '../jobRows';
import { requireWorkerRow, toWorkerSpec } from '../../workers/workerRows';

export function claimNamedJob(ctx: CoreContext, workerId: string, jobId: number): ClaimedJob | null {
  return ctx.tx(() => {
    const worker = toWorkerSpec(requireWorkerRow(ctx, workerId));
    if (worker.state === 'offline') throw new ConflictError(`worker ${workerId} is offline; register again`, 'id');
    const queued = ctx.sql("SELECT requirements FROM jobs WHERE id = ? AND state = 'queued' AND retry_at IS NULL").get(jobId) as { requirements: string } | undefined;
    if (!queued) return null;
    const req = JSON.parse(queued.requirements) as Requirements;
    if (!hasTags({ tags: new Set(worker.tags) }, req)) throw new ConflictError(`worker ${workerId} lacks the tags job ${jobId} requires (${req.tags.join(', ')})`, 'id');
    const now = ctx.now();
    const job = ctx.sql(`UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = ?, started_at = ? WHERE id = ? AND state = 'queued' AND retry_at IS NULL RETURNING *`).get(workerId, now, jobId) as JobRow | undefined;
    if (!job) return null;
    const lease = now + ctx.settings.leaseTtlMs;
    ctx.sql('INSERT INTO attempts (job_id, attempt, worker_id, started_at, lease_expires_at, gpus, cpus, memory_mb) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(jobId, job.attempt, workerId, now, lease, '[]', req.cpus, req.memory_mb);
    ctx.emit('job.claimed', jobId, workerId, { attempt: job.attempt, waited_ms: now - (job.queued_at ?? now) });
    return { job: jobFromRow(ctx, job), attempt: job.attempt, gpus: [], cuda_visible_devices: '', lease_expires_at: lease, token: '' };
  });
}
