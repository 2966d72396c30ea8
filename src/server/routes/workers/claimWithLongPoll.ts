import type { ClaimOptions, Coordinator } from '../../../core';
import { GantryError, type ClaimedJob, type EventType, type QueueEvent } from '../../../shared';

/** Events after which a claim that found nothing may now find something, for any worker: new or returned work. */
const NEW_WORK = new Set<EventType>(['job.submitted', 'job.queued', 'job.retried', 'job.requeued', 'job.priority', 'attempt.lost', 'worker.state']);
/** Events that free room, but only on the worker the event names. */
const FREES_ROOM = new Set<EventType>(['job.succeeded', 'job.failed', 'job.cancelled', 'attempt.ended']);

/** Events a worker's next heartbeat carries news of (a preemption to act on): the parked claim returns so the agent beats at once. */
const NEWS_FOR_WORKER = new Set<EventType>(['job.preempt_requested']);

/** Whether this event can change what `workerId` would get from a claim; others would only wake every poller for nothing. */
export function mayYieldWork(event: QueueEvent, workerId: string): boolean {
  return NEW_WORK.has(event.type) || (FREES_ROOM.has(event.type) && event.worker_id === workerId);
}

/** Whether this event is news for `workerId`'s heartbeat (it is not worth waiting the heartbeat interval for). */
export function isNewsFor(event: QueueEvent, workerId: string): boolean {
  return NEWS_FOR_WORKER.has(event.type) && event.worker_id === workerId;
}

/** Resolves on the next work event or news (true for news), after `ms`, or when `signal` aborts, whichever comes first. */
function waitForWork(coordinator: Coordinator, workerId: string, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (news: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      resolve(news);
    };
    const onAbort = () => settle(false);
    const timer = setTimeout(onAbort, ms);
    const unsubscribe = coordinator.subscribe((event) => {
      if (isNewsFor(event, workerId)) settle(true);
      else if (mayYieldWork(event, workerId)) settle(false);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface LongPollResult {
  jobs: ClaimedJob[];
  /** The wait ended on news for the worker's heartbeat (a preemption): the agent should beat now. */
  news: boolean;
}

/**
 * Claims at once; when nothing fits and `waitMs` > 0, waits for a work event and tries
 * again until the deadline, or returns empty on news for the worker's heartbeat. The claim and the
 * subscription happen in the same tick, and the core commits synchronously, so no event can slip
 * between them unseen. The caller's credential is asked again before each claim after a wait: one
 * revoked while the poll was parked claims nothing (401), though a job arrived in the same turn.
 */
export async function claimWithLongPoll(
  coordinator: Coordinator,
  workerId: string,
  options: ClaimOptions,
  waitMs: number,
  signal: AbortSignal,
  credentialStands: () => boolean = () => true,
  now: () => number = Date.now,
): Promise<LongPollResult> {
  const deadline = now() + waitMs;
  let claimOptions = options;
  for (;;) {
    // The agent hung up (a tunnel closing) while the poll waited: a job claimed now would go into a reply nobody reads.
    if (signal.aborted) return { jobs: [], news: false };
    const jobs = coordinator.claim(workerId, claimOptions);
    const left = deadline - now();
    if (jobs.length > 0 || left <= 0 || signal.aborted) return { jobs, news: false };
    if (await waitForWork(coordinator, workerId, left, signal)) return { jobs: [], news: true };
    // The free resources the worker sent are a snapshot from before the wait; from here on the
    // coordinator's books and the worker's latest heartbeat are fresher.
    claimOptions = { ...options, free: undefined };
    if (!credentialStands()) throw new GantryError('unauthorized', 'the worker credential was revoked while this claim waited');
  }
}
