import type { Job, JobState, QueueEvent } from '../../shared';

/**
 * Which desktop notifications the queue's events deserve: a job that failed for good, and a
 * sweep whose jobs have all finished. Pure: the caller feeds events (with the job they name,
 * looked up after the event) and shows what comes back.
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
  onEvent(event: QueueEvent, job: Job | null): DesktopNotification[];
  /** Emits the pending summary if the rate window has room; call it on a timer. */
  flush(): DesktopNotification[];
}

const FINAL_EVENTS: Partial<Record<QueueEvent['type'], JobState>> = {
  'job.succeeded': 'succeeded',
  'job.failed': 'failed',
  'job.cancelled': 'cancelled',
  'job.blocked': 'blocked',
};

interface Batch {
  label: string;
  members: Set<number>;
  outcomes: Map<number, JobState>;
}

export const defaultBatchKey = (job: Job): string => `${job.project}\u0000${job.created_at}`;

function failureBody(job: Job | null, jobId: number): string {
  if (!job) return `Job #${jobId} failed.`;
  const why = job.error ?? (job.exit_code !== null ? `exit code ${job.exit_code}` : 'no exit code');
  return `#${job.id} in ${job.project}: ${why}`;
}

function sweepSummary(batch: Batch): DesktopNotification {
  const tally = new Map<JobState, number>();
  for (const state of batch.outcomes.values()) tally.set(state, (tally.get(state) ?? 0) + 1);
  const parts = [...tally.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  const allGood = tally.get('succeeded') === batch.members.size;
  const first = Math.min(...batch.members);
  return {
    key: `sweep:${first}`,
    title: allGood ? `Sweep finished: ${batch.label}` : `Sweep finished with problems: ${batch.label}`,
    body: `${batch.members.size} jobs: ${parts}`,
    jobId: first,
  };
}

export function createNotificationRules(options: NotificationRulesOptions): NotificationRules {
  const { now, windowMs = 60_000, maxPerWindow = 5, dedupeMs = 10 * 60_000, batchKey = defaultBatchKey, maxTrackedBatches = 1000 } = options;
  const batches = new Map<string, Batch>();
  const batchOfJob = new Map<number, string>();
  const shownAt = new Map<string, number>();
  let recentFailures: number[] = [];
  let suppressed = 0;

  const roomInWindow = (): boolean => {
    const t = now();
    recentFailures = recentFailures.filter((at) => t - at < windowMs);
    return recentFailures.length < maxPerWindow;
  };

  const firstShowing = (key: string): boolean => {
    const t = now();
    const last = shownAt.get(key);
    if (last !== undefined && t - last < dedupeMs) return false;
    shownAt.set(key, t);
    for (const [k, at] of shownAt) if (t - at >= dedupeMs) shownAt.delete(k);
    return true;
  };

  const flush = (): DesktopNotification[] => {
    if (suppressed === 0 || !roomInWindow()) return [];
    recentFailures.push(now());
    const n = suppressed;
    suppressed = 0;
    return [{ key: `failed-summary:${now()}`, title: `${n} more job${n === 1 ? '' : 's'} failed`, body: 'Open Gantry to see the failed jobs.', jobId: null }];
  };

  const track = (job: Job) => {
    const key = batchKey(job);
    let batch = batches.get(key);
    if (!batch) {
      if (batches.size >= maxTrackedBatches) {
        const oldest = batches.keys().next().value as string;
        for (const id of batches.get(oldest)?.members ?? []) batchOfJob.delete(id);
        batches.delete(oldest);
      }
      batch = { label: `${job.project} · ${job.name}`, members: new Set(), outcomes: new Map() };
      batches.set(key, batch);
    }
    batch.members.add(job.id);
    batchOfJob.set(job.id, key);
  };

  const settle = (jobId: number, state: JobState | null): DesktopNotification[] => {
    const key = batchOfJob.get(jobId);
    const batch = key === undefined ? undefined : batches.get(key);
    if (!batch || key === undefined) return [];
    if (state === null) batch.outcomes.delete(jobId);
    else batch.outcomes.set(jobId, state);
    if (batch.members.size < 2 || batch.outcomes.size < batch.members.size) return [];
    batches.delete(key);
    for (const id of batch.members) batchOfJob.delete(id);
    const summary = sweepSummary(batch);
    return firstShowing(summary.key) ? [summary] : [];
  };

  const forget = (jobId: number): DesktopNotification[] => {
    const key = batchOfJob.get(jobId);
    const batch = key === undefined ? undefined : batches.get(key);
    batchOfJob.delete(jobId);
    if (!batch) return [];
    batch.members.delete(jobId);
    const outcome = batch.outcomes.get(jobId);
    batch.outcomes.delete(jobId);
    const remaining = [...batch.members];
    // Removing the last unfinished member completes the sweep.
    return remaining.length > 0 && outcome === undefined ? settle(remaining[0], batch.outcomes.get(remaining[0]) ?? null) : [];
  };

  const failure = (event: QueueEvent, job: Job | null, jobId: number): DesktopNotification[] => {
    // A failed attempt with attempts left is requeued, not failed: only a job that stays failed counts.
    if (job && job.state !== 'failed') return [];
    const key = `failed:${jobId}:${job?.attempt ?? event.id}`;
    if (!firstShowing(key)) return [];
    if (!roomInWindow()) {
      suppressed++;
      return [];
    }
    recentFailures.push(now());
    return [{ key, title: `Job failed: ${job?.name ?? `#${jobId}`}`, body: failureBody(job, jobId), jobId }];
  };

  return {
    flush,
    onEvent(event, job) {
      const out = flush();
      const jobId = event.job_id;
      if (jobId === null) return out;
      if (event.type === 'job.submitted' && job) track(job);
      else if (event.type === 'job.retried') out.push(...settle(jobId, null));
      else if (event.type === 'job.removed') out.push(...forget(jobId));
      const final = FINAL_EVENTS[event.type];
      if (final) {
        if (final === 'failed') out.push(...failure(event, job, jobId));
        if (!job || job.state === final) out.push(...settle(jobId, final));
      }
      return out;
    },
  };
}
