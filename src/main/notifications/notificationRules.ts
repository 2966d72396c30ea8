import type { Job, JobState, QueueEvent } from '../../shared';
import { createNotificationLimits } from './notificationLimits';
import { createSweepTracker, type Sweep } from './sweepTracker';

/**
 * Which desktop notifications the queue's events deserve: a job that failed for good, a sweep
 * whose jobs have all finished, and the operations events (issue 18): a worker gone offline, a job
 * holding an idle GPU, a job preempted. Pure: the caller feeds events (with the job they name and
 * the worker's name, looked up after the event) and shows what comes back.
 *
 * Sweep detection: a sweep (or batch) is two or more jobs of one project submitted in the same
 * submit call. The coordinator writes a batch in one transaction, so its jobs share `created_at`,
 * and subscribers see all their `job.submitted` events before any of them can finish. `batchKey`
 * makes this replaceable once jobs carry a batch or suite id. Sweeps submitted before the app
 * started are not tracked: their completion is not notified.
 *
 * Limits: the same notification key is shown once per `dedupeMs`; at most `maxPerWindow` failure
 * notifications per `windowMs`, the rest are counted and summed up as one "N more jobs failed"
 * notification when the window has room again (on the next event or `flush()`).
 */
export interface DesktopNotification {
  /** Identity for dedupe; also usable as the OS notification tag. */
  key: string;
  title: string;
  body: string;
  /** Clicking opens this job; null opens the jobs list filtered to failures. */
  jobId: number | null;
}

export interface NotificationRulesOptions {
  now: () => number;
  windowMs?: number;
  maxPerWindow?: number;
  dedupeMs?: number;
  batchKey?: (job: Job) => string;
  /** Bound on tracked sweeps, so a long session of one-off submits cannot grow memory. */
  maxTrackedBatches?: number;
}

export interface NotificationRules {
  /** `workerName`: the name of the worker the event names, when it names one. */
  onEvent(event: QueueEvent, job: Job | null, workerName?: string | null): DesktopNotification[];
  /** Emits the pending summary if the rate window has room; call it on a timer. */
  flush(): DesktopNotification[];
}

const FINAL_EVENTS: Partial<Record<QueueEvent['type'], JobState>> = {
  'job.succeeded': 'succeeded',
  'job.failed': 'failed',
  'job.cancelled': 'cancelled',
  'job.blocked': 'blocked',
};

export const defaultBatchKey = (job: Job): string => `${job.project}\u0000${job.created_at}`;

function failureBody(job: Job | null, jobId: number): string {
  if (!job) return `Job #${jobId} failed.`;
  const why = job.error ?? (job.exit_code !== null ? `exit code ${job.exit_code}` : 'no exit code');
  return `#${job.id} in ${job.project}: ${why}`;
}

function sweepSummary(sweep: Sweep): DesktopNotification {
  const tally = new Map<JobState, number>();
  for (const state of sweep.outcomes.values()) tally.set(state, (tally.get(state) ?? 0) + 1);
  const parts = [...tally.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  const allGood = tally.get('succeeded') === sweep.members.size;
  const first = Math.min(...sweep.members);
  return {
    key: `sweep:${first}`,
    title: allGood ? `Sweep finished: ${sweep.label}` : `Sweep finished with problems: ${sweep.label}`,
    body: `${sweep.members.size} jobs: ${parts}`,
    jobId: first,
  };
}

/** Worker offline, idle GPU and preemption: one notification per occurrence (dedupe covers replays). */
function operationsNotification(event: QueueEvent, job: Job | null, workerName: string | null): DesktopNotification | null {
  const worker = workerName ?? event.worker_id ?? 'a worker';
  const jobLabel = job ? `#${job.id} ${job.name}` : `#${event.job_id}`;
  switch (event.type) {
    case 'worker.state': {
      if (event.data.state !== 'offline') return null;
      const reason = typeof event.data.reason === 'string' ? event.data.reason : 'no heartbeat';
      return { key: `offline:${event.worker_id}:${event.id}`, title: `Worker offline: ${worker}`, body: `${worker}: ${reason}`, jobId: null };
    }
    case 'attempt.idle_gpu':
      return {
        key: `idle:${event.job_id}:${String(event.data.attempt)}:${String(event.data.gpu)}`,
        title: `Idle GPU: ${jobLabel}`,
        body: `GPU ${String(event.data.gpu)} on ${worker} at ≤ ${String(event.data.threshold_pct)}% for ${String(event.data.minutes)} minutes`,
        jobId: event.job_id,
      };
    case 'job.preempted': {
      const by = typeof event.data.by === 'number' ? `#${event.data.by}` : 'an admin';
      return { key: `preempted:${event.job_id}:${String(event.data.attempt)}`, title: `Preempted: ${jobLabel}`, body: `preempted by ${by}; it is queued again and resumes from its checkpoint`, jobId: event.job_id };
    }
    default:
      return null;
  }
}

function failedSummary(n: number, at: number): DesktopNotification {
  return { key: `failed-summary:${at}`, title: `${n} more job${n === 1 ? '' : 's'} failed`, body: 'Open Gantry to see the failed jobs.', jobId: null };
}

export function createNotificationRules(options: NotificationRulesOptions): NotificationRules {
  const { now, windowMs = 60_000, maxPerWindow = 5, dedupeMs = 10 * 60_000, batchKey = defaultBatchKey, maxTrackedBatches = 1000 } = options;
  const limits = createNotificationLimits({ now, windowMs, maxPerWindow, dedupeMs });
  const sweeps = createSweepTracker(batchKey, maxTrackedBatches);

  const flush = (): DesktopNotification[] => {
    const n = limits.takeSuppressed();
    return n > 0 ? [failedSummary(n, now())] : [];
  };

  const announce = (sweep: Sweep | null): DesktopNotification[] => {
    const summary = sweep && sweepSummary(sweep);
    return summary && limits.firstShowing(summary.key) ? [summary] : [];
  };

  const failure = (event: QueueEvent, job: Job | null, jobId: number): DesktopNotification[] => {
    // A failed attempt with attempts left is requeued, not failed: only a job that stays failed counts.
    if (job && job.state !== 'failed') return [];
    const key = `failed:${jobId}:${job?.attempt ?? event.id}`;
    if (!limits.firstShowing(key) || !limits.admitFailure()) return [];
    return [{ key, title: `Job failed: ${job?.name ?? `#${jobId}`}`, body: failureBody(job, jobId), jobId }];
  };

  const finished = (event: QueueEvent, job: Job | null, jobId: number, final: JobState): DesktopNotification[] => {
    const out = final === 'failed' ? failure(event, job, jobId) : [];
    if (!job || job.state === final) out.push(...announce(sweeps.settle(jobId, final)));
    return out;
  };

  return {
    flush,
    onEvent(event, job, workerName = null) {
      const out = flush();
      const operations = operationsNotification(event, job, workerName);
      if (operations && limits.firstShowing(operations.key)) out.push(operations);
      const jobId = event.job_id;
      if (jobId === null) return out;
      if (event.type === 'job.submitted' && job) sweeps.track(job);
      else if (event.type === 'job.retried') out.push(...announce(sweeps.settle(jobId, null)));
      else if (event.type === 'job.removed') out.push(...announce(sweeps.forget(jobId)));
      const final = FINAL_EVENTS[event.type];
      if (final) out.push(...finished(event, job, jobId, final));
      return out;
    },
  };
}
