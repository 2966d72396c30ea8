import type { QueueEvent, Job } from '../../../shared';
import { JobState } from '../../../shared';

/** The state an event moves its job into, when the event alone says so. */
const STATE_AFTER: Partial<Record<QueueEvent['type'], Job['state']>> = {
  'job.queued': 'queued',
  'job.claimed': 'running',
  'job.succeeded': 'succeeded',
  'job.failed': 'failed',
  'job.requeued': 'queued',
  'job.cancelled': 'cancelled',
  'job.blocked': 'blocked',
  'job.unblocked': 'queued',
};

export type JobEventEffect =
  | { kind: 'none' }
  | { kind: 'removed'; id: number }
  | { kind: 'submitted'; id: number }
  /** `patch` is applied at once so the row changes without waiting; `refetch` asks for the full row. */
  | { kind: 'changed'; id: number; patch: Partial<Job>; refetch: boolean };

/**
 * What a queue event means for a loaded job row. An explicit `state` in the event's data wins
 * over the state implied by its type (`job.retried` can land in queued or waiting).
 */
export function jobEventEffect(event: QueueEvent): JobEventEffect {
  if (event.job_id === null || !event.type.startsWith('job.')) return { kind: 'none' };
  const id = event.job_id;
  if (event.type === 'job.removed') return { kind: 'removed', id };
  if (event.type === 'job.submitted') return { kind: 'submitted', id };
  const patch: Partial<Job> = {};
  const explicit = JobState.safeParse(event.data.state);
  const state = explicit.success ? explicit.data : STATE_AFTER[event.type];
  if (state) patch.state = state;
  if (event.type === 'job.priority' && typeof event.data.priority === 'number') patch.priority = event.data.priority;
  if (event.type === 'job.claimed') {
    if (event.worker_id) patch.worker_id = event.worker_id;
    patch.started_at = event.at;
  }
  if (typeof event.data.attempt === 'number') patch.attempt = event.data.attempt;
  if (state === 'succeeded' || state === 'failed' || state === 'cancelled') patch.finished_at = event.at;
  return { kind: 'changed', id, patch, refetch: true };
}

/**
 * Merges freshly listed rows (newest first) into the loaded ones: rows newer than the current top
 * are prepended, known rows are replaced in place. Returns how many rows were prepended so the
 * table can keep what the user is looking at where it is.
 */
export function mergeNewest(rows: Job[], fresh: Job[]): { rows: Job[]; prepended: number } {
  const top = rows.length ? rows[0].id : 0;
  const newer = fresh.filter((job) => job.id > top);
  const byId = new Map(fresh.map((job) => [job.id, job]));
  const updated = rows.map((job) => byId.get(job.id) ?? job);
  return { rows: [...newer, ...updated], prepended: newer.length };
}

/** Ids between `from` and `to` (inclusive, either order) in the loaded rows: shift-click selection. */
export function idsBetween(rows: Job[], from: number, to: number): number[] {
  const a = rows.findIndex((job) => job.id === from);
  const b = rows.findIndex((job) => job.id === to);
  if (a < 0 || b < 0) return [to];
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return rows.slice(lo, hi + 1).map((job) => job.id);
}
