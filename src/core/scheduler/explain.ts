/**
 * explain — why a job is not running, as structured reasons plus one sentence.
 * Asks the same plan claimJobs follows (planClaim), so it never says "ready" for a job the next
 * claim would not hand out. Writes nothing, except releasing a retry delay that has run out.
 */
import type { Explanation, JobState, Reason, Requirements } from '../../shared';
import type { CoreContext } from '../context';
import { dependencyStates } from '../queue/dependencyGraph';
import { requireJobRow } from '../queue/jobRows';
import { releaseDueRetries } from '../queue/transitions/releaseDueRetries';
import { countQueued } from '../queue/queuedInClaimOrder';
import type { JobRow } from '../store/rows';
import { toWorkerSpec, workerCapacity, type WorkerRow, type WorkerSpec } from '../workers/workerRows';
import { preemptionWorkers } from '../queue/transitions/preemptJobs';
import { allocate, couldEverFit, hasTags } from './capacity';
import { whyNoPreemption } from './chooseVictims';
import { planClaim } from './planClaim';
import { directTaskMessage, pendingInSlurmReason, pilotReason } from '../slurm/pilotReason';
import { ranksBefore } from './queuedShapes';

type JobRef = { id: number; name: string; state: JobState };

/**
 * Who asks: a token limited to one project must not learn another project's job names or states,
 * which dependencies, reservations and preemption victims would otherwise name. Null: sees every project.
 */
export interface ExplainViewer {
  project: string | null;
}
const EVERYONE: ExplainViewer = { project: null };

function jobRef(ctx: CoreContext, id: number): JobRef | null {
  return (ctx.sql('SELECT id, name, state FROM jobs WHERE id = ?').get(id) as JobRef | undefined) ?? null;
}

/** Whether the viewer may see this job's name and state. */
function visibleTo(ctx: CoreContext, viewer: ExplainViewer, id: number): boolean {
  if (viewer.project === null) return true;
  const row = ctx.sql('SELECT project_id FROM jobs WHERE id = ?').get(id) as { project_id: number } | undefined;
  return row !== undefined && ctx.projectName(row.project_id) === viewer.project;
}

/** "N jobs of another project" for the jobs a viewer may not see, else empty. */
function hiddenTail(count: number): string {
  return count === 0 ? '' : `${count === 1 ? '1 job' : `${count} jobs`} of another project`;
}

/** Follows failed/cancelled/blocked dependencies down to the job that started the block. */
function rootBlocker(ctx: CoreContext, jobId: number): JobRef | null {
  let current = jobId;
  for (let depth = 0; depth < 10_000; depth++) {
    const bad = dependencyStates(ctx, current).find((d) => d.state === 'failed' || d.state === 'cancelled' || d.state === 'blocked');
    if (!bad) return current === jobId ? null : jobRef(ctx, current);
    if (bad.state !== 'blocked') return jobRef(ctx, bad.id);
    current = bad.id;
  }
  return null;
}

function largest(workers: WorkerSpec[], req: Requirements): Reason | null {
  const max = (values: number[]) => (values.length === 0 ? 0 : Math.max(...values));
  const models = (w: WorkerSpec) => w.gpus.filter((g) => req.gpu_models.length === 0 || req.gpu_models.some((m) => g.model.toLowerCase().includes(m.toLowerCase())));
  const checks: Array<[Reason & { code: 'no_worker_large_enough' }, boolean]> = [
    [{ code: 'no_worker_large_enough', message: '', resource: 'cpus', needed: req.cpus, largest: max(workers.map((w) => w.cpus)) }, workers.every((w) => w.cpus < req.cpus)],
    [{ code: 'no_worker_large_enough', message: '', resource: 'memory_mb', needed: req.memory_mb, largest: max(workers.map((w) => w.memory_mb)) }, workers.every((w) => w.memory_mb < req.memory_mb)],
    [{ code: 'no_worker_large_enough', message: '', resource: 'gpu_models', needed: req.gpu_models, largest: [...new Set(workers.flatMap((w) => w.gpus.map((g) => g.model)))] }, req.gpu_models.length > 0 && workers.every((w) => models(w).length === 0)],
    [{ code: 'no_worker_large_enough', message: '', resource: 'gpus', needed: req.gpus, largest: max(workers.map((w) => models(w).length)) }, workers.every((w) => models(w).length < req.gpus)],
    [{ code: 'no_worker_large_enough', message: '', resource: 'gpu_memory_mb', needed: req.gpu_memory_mb ?? 0, largest: max(workers.flatMap((w) => models(w).map((g) => g.memory_total_mb))) }, req.gpu_memory_mb !== null && workers.every((w) => models(w).filter((g) => g.memory_total_mb >= (req.gpu_memory_mb ?? 0)).length < req.gpus)],
  ];
  const hit = checks.find(([, failed]) => failed)?.[0];
  if (!hit) return null;
  const needed = Array.isArray(hit.needed) ? hit.needed.join(', ') : hit.needed;
  const big = Array.isArray(hit.largest) ? hit.largest.join(', ') || 'none' : hit.largest;
  hit.message = `no online worker is large enough: it needs ${hit.resource} ${needed}, the largest has ${big}`;
  return hit;
}

function busyReason(ctx: CoreContext, fitting: WorkerSpec[], req: Requirements): Reason {
  const caps = fitting.map((w) => workerCapacity(ctx, w));
  const freeGpus = (c: (typeof caps)[number]) => (req.gpu_memory_mb === null ? c.gpus.filter((g) => g.idle).length : c.gpus.filter((g) => g.freeMb >= (req.gpu_memory_mb ?? 0)).length);
  const options: Array<{ resource: 'cpus' | 'memory_mb' | 'gpus' | 'gpu_memory_mb'; needed: number; largest_free: number; short: boolean }> = [
    { resource: 'gpus', needed: req.gpus, largest_free: Math.max(...caps.map(freeGpus)), short: req.gpus > 0 && caps.every((c) => freeGpus(c) < req.gpus) },
    { resource: 'gpu_memory_mb', needed: req.gpu_memory_mb ?? 0, largest_free: Math.max(0, ...caps.flatMap((c) => c.gpus.map((g) => g.freeMb))), short: req.gpu_memory_mb !== null && caps.every((c) => freeGpus(c) < req.gpus) },
    { resource: 'cpus', needed: req.cpus, largest_free: Math.max(...caps.map((c) => c.cpus)), short: caps.every((c) => c.cpus < req.cpus) },
    { resource: 'memory_mb', needed: req.memory_mb, largest_free: Math.max(...caps.map((c) => c.memoryMb)), short: caps.every((c) => c.memoryMb < req.memory_mb) },
  ];
  const pick = options.find((o) => o.short) ?? options.find((o) => o.needed > 0) ?? options[2];
  return {
    code: 'insufficient_free_resources',
    resource: pick.resource,
    needed: pick.needed,
    largest_free: pick.largest_free,
    message: `no worker has enough free ${pick.resource} right now: it needs ${pick.needed}, the most free is ${pick.largest_free}`,
  };
}

/** Jobs one explain lets a worker's simulated claim hand out before giving up on reaching ours. */
const PLAN_LIMIT = 1000;

type WorkerVerdict = { worker: WorkerSpec; verdict: 'ready' | 'no_room' | 'ahead_take_room' } | { worker: WorkerSpec; verdict: 'reserved'; holder: JobRef };

/** What the worker's next claim would do for this job: the same plan claimJobs follows (planClaim). */
function verdictFor(ctx: CoreContext, worker: WorkerSpec, job: JobRow, req: Requirements): WorkerVerdict {
  if (worker.stopRequested || allocate(workerCapacity(ctx, worker), req) === null) return { worker, verdict: 'no_room' };
  const plan = planClaim(ctx, worker, workerCapacity(ctx, worker), PLAN_LIMIT, job.id);
  if (plan.chosen.some((c) => c.id === job.id)) return { worker, verdict: 'ready' };
  const holder = plan.reservedFor && ranksBefore(plan.reservedFor, job) ? jobRef(ctx, plan.reservedFor.id) : null;
  return holder ? { worker, verdict: 'reserved', holder } : { worker, verdict: 'ahead_take_room' };
}

function retryDelayReason(ctx: CoreContext, job: JobRow): Reason | null {
  if (job.retry_at === null || job.retry_at <= ctx.now()) return null;
  const seconds = Math.ceil((job.retry_at - ctx.now()) / 1000);
  return { code: 'retry_delay', retry_at: job.retry_at, seconds, message: `retrying in ${seconds} s (after attempt ${job.attempt} failed)` };
}

function fitReasons(ctx: CoreContext, job: JobRow, req: Requirements, fitting: WorkerSpec[], viewer: ExplainViewer): Reason[] {
  const verdicts = fitting.map((w) => verdictFor(ctx, w, job, req));
  const ready = verdicts.filter((v) => v.verdict === 'ready').map((v) => v.worker.id);
  if (ready.length > 0) return [{ code: 'ready', workers: ready, message: `ready: ${ready.length} worker(s) can take it at their next claim` }];
  const held = verdicts.filter((v) => v.verdict === 'reserved');
  // A reservation for another project's job reads as room taken by jobs ranked ahead, without naming it.
  if (held.length > 0 && !visibleTo(ctx, viewer, held[0].holder.id)) {
    return [{ code: 'worker_fits_but_busy', workers: held.map((v) => v.worker.id), message: `${held.length} worker(s) have room for it, but a job ranked ahead of it holds that room` }];
  }
  if (held.length > 0) {
    const holder = held[0].holder;
    return [{
      code: 'workers_reserved',
      workers: held.map((v) => v.worker.id),
      for_job: holder,
      message: `the worker(s) with room are held for #${holder.id} ${holder.name}, which has waited past the reservation age and runs first`,
    }];
  }
  const crowded = verdicts.filter((v) => v.verdict === 'ahead_take_room').map((v) => v.worker.id);
  if (crowded.length > 0) {
    return [{ code: 'worker_fits_but_busy', workers: crowded, message: `${crowded.length} worker(s) have room for it, but jobs ranked ahead of it take that room first` }];
  }
  const noPreemption = noPreemptionReason(ctx, job, req, fitting);
  return [
    busyReason(ctx, fitting, req),
    { code: 'worker_fits_but_busy', workers: fitting.map((w) => w.id), message: `${fitting.length} worker(s) could run it once their running jobs finish` },
    ...(noPreemption ? [noPreemption] : []),
  ];
}

/** Why preemption does not make room for a job waiting on busy workers (the sweep would otherwise have chosen victims). */
function noPreemptionReason(ctx: CoreContext, job: JobRow, req: Requirements, fitting: WorkerSpec[]): Reason | null {
  const ids = new Set(fitting.map((w) => w.id));
  const workers = preemptionWorkers(ctx).filter((w) => ids.has(w.id));
  const message = whyNoPreemption({ id: job.id, priority: job.priority, requirements: req }, workers, ctx.now());
  return message ? { code: 'no_preemption', message } : null;
}

/**
 * When no online worker could run the job: the advice that would make one, naming the workers that
 * could run it but are draining (resume them) or stopped (start them), or null when none could.
 */
function idleWorkerReason(ctx: CoreContext, req: Requirements): Reason | null {
  const rows = ctx.sql("SELECT * FROM workers WHERE state != 'online' OR stop_requested = 1 ORDER BY last_seen_at DESC").all() as WorkerRow[];
  const able = rows.filter((row) => {
    const spec = toWorkerSpec(row);
    return hasTags({ tags: new Set(spec.tags) }, req) && couldEverFit(spec, req);
  });
  const names = (list: WorkerRow[]) => [...new Set(list.map((w) => w.name))];
  const draining = names(able.filter((w) => w.state === 'draining' && w.stop_requested === 0));
  if (draining.length > 0) {
    return { code: 'no_online_workers', message: `the worker(s) that could run it are draining (${draining.join(', ')}): resume one with \`gantry workers resume ${draining[0]}\`` };
  }
  const stopped = names(able);
  if (stopped.length > 0) {
    return {
      code: 'no_online_workers',
      message: `the worker(s) that could run it are stopped or offline (${stopped.join(', ')}): start its agent again (\`gantry workers start ${stopped[0]}\` for this coordinator's own local worker)`,
    };
  }
  return null;
}

function queuedReasons(ctx: CoreContext, job: JobRow, viewer: ExplainViewer): Reason[] {
  const delayed = retryDelayReason(ctx, job);
  if (delayed) return [delayed];
  const inSlurm = pendingInSlurmReason(ctx, job.id, job.attempt);
  if (inSlurm) return [inSlurm];
  const req = JSON.parse(job.requirements) as Requirements;
  const workers = (ctx.sql("SELECT * FROM workers WHERE state = 'online'").all() as WorkerRow[]).map(toWorkerSpec);
  const tagged = workers.filter((w) => hasTags({ tags: new Set(w.tags) }, req));
  const fitting = tagged.filter((w) => couldEverFit(w, req));
  // A job for a Slurm cluster waits for a pilot, not for the pilots that already exited.
  const pilot = tagged.length === 0 ? pilotReason(ctx, req) : null;
  if (pilot) return [pilot];
  // No online worker could ever run it, but a draining or stopped one could: say how to bring that one back.
  const idle = fitting.every((w) => w.stopRequested) ? idleWorkerReason(ctx, req) : null;
  if (idle) return [idle];
  if (workers.length === 0) return [{ code: 'no_online_workers', message: 'no worker is online: start `gantry serve` with its local worker, or an agent on a host' }];
  if (tagged.length === 0) return [{ code: 'no_worker_with_tags', tags: req.tags, message: `no online worker has the tags ${req.tags.join(', ')}` }];
  if (fitting.length === 0) {
    const reason = largest(tagged, req);
    return reason ? [reason] : [];
  }
  return fitReasons(ctx, job, req, fitting, viewer);
}

/** For a job that is not waiting to run: how it ended (and what to do), or where it runs. */
function notPendingMessage(ctx: CoreContext, job: JobRow): string {
  switch (job.state) {
    case 'failed':
      return `the job failed: ${job.error ?? 'its last attempt failed'}; see \`gantry logs ${job.id}\`, then \`gantry retry ${job.id}\``;
    case 'cancelled':
      return `the job was ${job.error && job.error.startsWith('cancelled') ? job.error : 'cancelled'}; \`gantry retry ${job.id}\` queues it again`;
    case 'running': {
      const inSlurm = directTaskMessage(ctx, job.id, job.attempt);
      if (inSlurm) return inSlurm;
      const worker = job.worker_id === null ? null : (ctx.sql('SELECT name FROM workers WHERE id = ?').get(job.worker_id) as { name: string } | undefined);
      return `the job is running${worker ? ` on ${worker.name}` : ''}`;
    }
    default:
      return `the job is ${job.state}`;
  }
}

/** "will preempt #12, #15 on gpu-box (grace 120 s)" while the victims chosen for this job checkpoint and stop. */
function preemptionReason(ctx: CoreContext, jobId: number, viewer: ExplainViewer): Reason | null {
  const victims = ctx.sql(`SELECT a.job_id, w.name, j.grace_s FROM attempts a JOIN workers w ON w.id = a.worker_id JOIN jobs j ON j.id = a.job_id
    WHERE a.preempted_by = ? AND a.finished_at IS NULL ORDER BY a.job_id`).all(jobId) as Array<{ job_id: number; name: string; grace_s: number }>;
  if (victims.length === 0) return null;
  const grace = Math.max(...victims.map((v) => v.grace_s));
  const worker = victims[0].name;
  const shown = victims.map((v) => v.job_id).filter((id) => visibleTo(ctx, viewer, id));
  const named = [...shown.map((id) => `#${id}`), hiddenTail(victims.length - shown.length)].filter((part) => part !== '');
  return { code: 'will_preempt', worker, victims: shown, grace_s: grace, message: `will preempt ${named.join(', ')} on ${worker} (grace ${grace} s)` };
}

function waitingReason(ctx: CoreContext, jobId: number, viewer: ExplainViewer): Reason {
  const pendingIds = dependencyStates(ctx, jobId).filter((d) => d.state !== 'succeeded').map((d) => d.id);
  const pending = pendingIds.filter((id) => visibleTo(ctx, viewer, id)).map((id) => jobRef(ctx, id) as JobRef);
  const named = [...pending.map((j) => `#${j.id} ${j.name} (${j.state})`), hiddenTail(pendingIds.length - pending.length)].filter((part) => part !== '');
  return { code: 'waiting_on_dependencies', jobs: pending, message: `waiting on ${pendingIds.length} ${pendingIds.length === 1 ? 'dependency' : 'dependencies'}: ${named.join(', ')}` };
}

function blockedReason(ctx: CoreContext, jobId: number, viewer: ExplainViewer): Reason {
  const root = rootBlocker(ctx, jobId);
  if (root && !visibleTo(ctx, viewer, root.id)) return { code: 'blocked_by', job: null, message: 'blocked by a dependency in another project' };
  return { code: 'blocked_by', job: root, message: root ? `blocked: dependency #${root.id} ${root.name} ${root.state}; retry it to unblock this job` : 'blocked by a dependency that no longer exists' };
}

export function explainJob(ctx: CoreContext, jobId: number, viewer: ExplainViewer = EVERYONE): Explanation {
  const job = requireJobRow(ctx, jobId);
  const reasons: Reason[] = [];
  if (job.state === 'waiting') {
    reasons.push(waitingReason(ctx, jobId, viewer));
  } else if (job.state === 'blocked') {
    reasons.push(blockedReason(ctx, jobId, viewer));
  } else if (job.state === 'queued') {
    // A retry delay that ran out is released first, as the next claim would.
    if (job.retry_at !== null && job.retry_at <= ctx.now()) releaseDueRetries(ctx);
    // `priority >= ?` bounds each lane's index range; the OR alone would be checked on every entry.
    const ahead = countQueued(ctx, { clauses: ['jobs.priority >= ?', '(jobs.priority > ? OR jobs.id < ?)'], args: [job.priority, job.priority, jobId] }, { waitingRetries: true });
    const preempting = preemptionReason(ctx, jobId, viewer);
    reasons.push(...(preempting ? [preempting] : queuedReasons(ctx, requireJobRow(ctx, jobId), viewer)));
    if (ahead > 0) reasons.push({ code: 'jobs_ahead', count: ahead, message: `${ahead} queued job(s) ahead of it by priority and age` });
  } else {
    reasons.push({ code: 'not_pending', state: job.state, message: notPendingMessage(ctx, job) });
  }
  return { job_id: jobId, state: job.state, summary: reasons.map((r) => r.message).join('; '), reasons };
}
