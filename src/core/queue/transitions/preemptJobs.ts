/**
 * preemptForWaitingJobs / preemptJob / endPreemptedAttempt — preemption (issue 21).
 *
 * preemptForWaitingJobs (each sweep): for the highest-ranked queued jobs that fit no worker now,
 * chooseVictims picks preemptible attempts of strictly lower priority on one worker whose stopping
 * makes the job fit. In: nothing. Guards: the victim attempt is still open and not already being
 * preempted (`preempt_requested_at IS NULL`, changed-row check); workers online and not draining or
 * reserved. Out: victims get preempt_requested_at and preempted_by; their worker is reserved for the
 * waiting job (claimJobs hands that worker nothing else until the job is claimed or leaves the queue);
 * the worker learns from its next heartbeat. Events: job.preempt_requested per victim.
 *
 * preemptJob (an admin, by hand): the same request for one running job, with no waiting job and no
 * reservation. Refuses (ConflictError) a job that is not running.
 *
 * endPreemptedAttempt (from finishAttempt): the attempt closes as preempted with "preempted by #N"; the job
 * re-queues keeping its priority and id (its queue position) and spends neither max_attempts nor
 * max_lost_attempts (preempted_attempts counts it). Events: job.preempted, job.requeued.
 */
import { ConflictError, type Job, type Requirements } from '../../../shared';
import type { CoreContext } from '../../context';
import { allocate } from '../../scheduler/capacity';
import { chooseVictims, type PreemptionWorker, type RunningAttempt } from '../../scheduler/chooseVictims';
import type { WorkerRow } from '../../workers/workerRows';
import { toWorkerSpec, workerCapacity } from '../../workers/workerRows';
import { getJob, requireJobRow } from '../jobRows';
import { firstQueuedColumns } from '../queuedInClaimOrder';

/** How many waiting jobs one sweep considers: preemption serves the head of the queue, not its tail. */
const WAITING_JOBS_PER_SWEEP = 20;

/**
 * Open attempts, each with its job: CROSS JOIN makes SQLite walk the open attempts (as many as jobs
 * running) and look each job up by id. With a plain JOIN and no statistics on attempts (none until
 * ANALYZE sees rows there, so on a queue that has not run anything yet) it walked every job instead
 * and probed attempts per job: ~15 ms at 20,000 queued jobs, on every submit (issue 19).
 */
const OPEN_ATTEMPTS_THEN_JOBS = 'attempts a CROSS JOIN jobs j ON j.id = a.job_id';

interface OpenAttemptRow {
  job_id: number;
  attempt: number;
  worker_id: string;
  started_at: number;
  preempt_requested_at: number | null;
  gpus: string;
  cpus: number;
  memory_mb: number;
  priority: number;
  preemptible: number;
  min_runtime_s: number;
}

/** Online workers that take work (not stopping, not reserved for another waiting job), with their open attempts, as chooseVictims reads them. */
export function preemptionWorkers(ctx: CoreContext): Array<PreemptionWorker & { row: WorkerRow }> {
  const rows = ctx.sql("SELECT * FROM workers WHERE state = 'online' AND stop_requested = 0 AND reserved_for IS NULL").all() as WorkerRow[];
  const open = ctx.sql(`SELECT a.job_id, a.attempt, a.worker_id, a.started_at, a.preempt_requested_at, a.gpus, a.cpus, a.memory_mb,
      j.priority, j.preemptible, j.min_runtime_s
    FROM ${OPEN_ATTEMPTS_THEN_JOBS} WHERE a.finished_at IS NULL`).all() as OpenAttemptRow[];
  return rows.map((row) => {
    const spec = toWorkerSpec(row);
    const running: RunningAttempt[] = open.filter((a) => a.worker_id === row.id).map((a) => ({
      jobId: a.job_id,
      attempt: a.attempt,
      priority: a.priority,
      preemptible: a.preemptible === 1,
      startedAt: a.started_at,
      minRuntimeS: a.min_runtime_s,
      preempting: a.preempt_requested_at !== null,
      alloc: { cpus: a.cpus, memory_mb: a.memory_mb, gpus: JSON.parse(a.gpus) as RunningAttempt['alloc']['gpus'] },
    }));
    return { ...spec, running, row };
  });
}

function fitsSomewhereNow(ctx: CoreContext, workers: Array<{ row: WorkerRow }>, requirements: Requirements): boolean {
  return workers.some(({ row }) => allocate(workerCapacity(ctx, toWorkerSpec(row)), requirements) !== null);
}

function requestPreemption(ctx: CoreContext, victim: { jobId: number; attempt: number }, workerId: string, by: number | null): boolean {
  const marked = ctx.sql('UPDATE attempts SET preempt_requested_at = ?, preempted_by = ? WHERE job_id = ? AND attempt = ? AND finished_at IS NULL AND preempt_requested_at IS NULL')
    .run(ctx.now(), by, victim.jobId, victim.attempt).changes;
  if (marked > 0) ctx.emit('job.preempt_requested', victim.jobId, workerId, { attempt: victim.attempt, by });
  return marked > 0;
}

export function preemptForWaitingJobs(ctx: CoreContext): number {
  return ctx.tx(() => {
    // A reservation ends when its job leaves the queue (claimed, cancelled) or its worker goes away.
    // NOT EXISTS looks up each reserved job by id; `NOT IN (SELECT id … WHERE state = 'queued')` listed
    // every queued job first, on every submit and sweep while any worker was reserved.
    ctx.sql(`UPDATE workers SET reserved_for = NULL WHERE reserved_for IS NOT NULL
      AND (state = 'offline' OR NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = workers.reserved_for AND jobs.state = 'queued'))`).run();
    const lowest = ctx.sql(`SELECT MIN(j.priority) AS p FROM ${OPEN_ATTEMPTS_THEN_JOBS}
      WHERE a.finished_at IS NULL AND a.preempt_requested_at IS NULL AND j.preemptible = 1`).get() as { p: number | null };
    if (lowest.p === null) return 0;
    const above = { clauses: ['jobs.priority > ?'], args: [lowest.p] };
    const unreserved = { clauses: ['jobs.id NOT IN (SELECT reserved_for FROM workers WHERE reserved_for IS NOT NULL)'], args: [] };
    const waiting = firstQueuedColumns<{ id: number; priority: number; requirements: string }>(ctx, 'id, priority, requirements', above, unreserved, WAITING_JOBS_PER_SWEEP, { waitingRetries: false });
    let workers = preemptionWorkers(ctx);
    let preempted = 0;
    for (const w of waiting) {
      const job = { id: w.id, priority: w.priority, requirements: JSON.parse(w.requirements) as Requirements };
      if (fitsSomewhereNow(ctx, workers, job.requirements)) continue;
      const plan = chooseVictims(job, workers, ctx.now());
      if (!plan) continue;
      for (const victim of plan.victims) if (requestPreemption(ctx, victim, plan.workerId, job.id)) preempted++;
      ctx.sql('UPDATE workers SET reserved_for = ? WHERE id = ?').run(job.id, plan.workerId);
      workers = workers.filter((worker) => worker.id !== plan.workerId);
    }
    return preempted;
  });
}

export function preemptJob(ctx: CoreContext, jobId: number): Job {
  return ctx.tx(() => {
    const job = requireJobRow(ctx, jobId);
    if (job.state !== 'running' || job.worker_id === null) throw new ConflictError(`job ${jobId} is ${job.state}; only a running job can be preempted`, 'state');
    requestPreemption(ctx, { jobId, attempt: job.attempt }, job.worker_id, null);
    return getJob(ctx, jobId);
  });
}

/** Inside finishAttempt's transaction, once the attempt is known to be the job's current, preempted one. */
export function endPreemptedAttempt(ctx: CoreContext, jobId: number, attempt: number, workerId: string, by: number | null, exitCode: number | null): void {
  const now = ctx.now();
  const reason = by === null ? 'preempted by an admin' : `preempted by #${by}`;
  ctx.sql("UPDATE attempts SET finished_at = ?, outcome = 'preempted', exit_code = ?, error = ? WHERE job_id = ? AND attempt = ?").run(now, exitCode, reason, jobId, attempt);
  ctx.sql("UPDATE jobs SET state = 'queued', worker_id = NULL, queued_at = ?, retry_at = NULL, preempted_attempts = preempted_attempts + 1, error = ? WHERE id = ?")
    .run(now, `attempt ${attempt} ${reason}`, jobId);
  ctx.emit('job.preempted', jobId, workerId, { attempt, by });
  ctx.emit('job.requeued', jobId, workerId, { attempt, reason: 'preempted', by });
}
