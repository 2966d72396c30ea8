import type { ClaimOptions, Coordinator } from '../../../core';
import type { ClaimedJob, EventType, QueueEvent } from '../../../shared';

/** Events after which a claim that found nothing may now find something, for any worker: new or returned work. */
const NEW_WORK = new Set<EventType>(['job.submitted', 'job.queued', 'job.retried', 'job.requeued', 'job.priority', 'attempt.lost', 'worker.state']);
/** Events that free room, but only on the worker the event names. */
const FREES_ROOM = new Set<EventType>(['job.succeeded', 'job.failed', 'job.cancelled', 'attempt.ended']);

/** Whether this event can change what `workerId` would get from a claim; others would only wake every poller for nothing. */
export function mayYieldWork(event: QueueEvent, workerId: string): boolean {
  return NEW_WORK.has(event.type) || (FREES_ROOM.has(event.type) && event.worker_id === workerId);
}

/** Resolves on the next work event, after `ms`, or when `signal` aborts, whichever comes first. */
function waitForWork(coordinator: Coordinator, workerId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', settle);
      resolve();
    };
    const timer = setTimeout(settle, ms);
    const unsubscribe = coordinator.subscribe((event) => {
      if (mayYieldWork(event, workerId)) settle();
    });
    signal.addEventListener('abort', settle, { once: true });
  });
}

/**
 * Claims at once; when nothing fits and `waitMs` > 0, waits for a work event and tries
 * again until the deadline. The claim and the subscription happen in the same tick, and
 * the core commits synchronously, so no event can slip between them unseen.
 */
export async function claimWithLongPoll(
  coordinator: Coordinator,
  workerId: string,
  options: ClaimOptions,
  waitMs: number,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<ClaimedJob[]> {
  const deadline = now() + waitMs;
  let claimOptions = options;
  for (;;) {
    const jobs = coordinator.claim(workerId, claimOptions);
    const left = deadline - now();
    if (jobs.length > 0 || left <= 0 || signal.aborted) return jobs;
    await waitForWork(coordinator, workerId, left, signal);
    // The free resources the worker sent are a snapshot from before the wait; from here on the
    // coordinator's books and the worker's latest heartbeat are fresher.
    claimOptions = { ...options, free: undefined };
  }
}
