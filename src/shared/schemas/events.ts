import { z } from 'zod';

export const EventType = z.enum([
  'job.submitted',
  'job.queued',
  'job.claimed',
  'job.succeeded',
  'job.failed',
  'job.requeued',
  'job.cancelled',
  'job.blocked',
  'job.unblocked',
  'job.retried',
  'job.removed',
  'job.priority',
  /** A running attempt was told to checkpoint and stop (data.by: the waiting job, or null by hand). */
  'job.preempt_requested',
  /** A preempted attempt ended and its job re-queued without spending an attempt. */
  'job.preempted',
  'worker.registered',
  'worker.state',
  'attempt.lost',
  /** An attempt of a job that had already moved on (cancelled while running) ended; its worker has room again. */
  'attempt.ended',
  /** A GPU held by the attempt has stayed idle (utilisation at or under the threshold) for the idle window. */
  'attempt.idle_gpu',
  /** Suites (issue 16): created, closed (data.by: hand or idle), and a hook run on a worker; data shapes: SuiteCreatedEvent, SuiteClosedEvent, SuiteHookEvent. */
  'suite.created',
  'suite.closed',
  'suite.hook',
  /**
   * SSH hosts (issue 14); data is HostEventData (src/shared/schemas/hosts.ts). added/updated: `hosts add`
   * of a new or an existing name; trusted: a key of the host (or a jump hop) was trusted (data.fingerprint);
   * state: the shown state or its error changed (bootstrapping, starting, online, unreachable, …, also when
   * the host's worker registers, drains or goes offline); upgraded: its agent was replaced by another
   * version (data.previous_version); removed: `hosts rm` (data.host null).
   */
  'host.added',
  'host.updated',
  'host.trusted',
  'host.state',
  'host.upgraded',
  'host.removed',
]);
export type EventType = z.infer<typeof EventType>;

/** One row of the append-only event log; `id` orders events and lets clients resume. */
export const QueueEvent = z.object({
  id: z.number().int(),
  at: z.number(),
  type: EventType,
  job_id: z.number().int().nullable(),
  worker_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type QueueEvent = z.infer<typeof QueueEvent>;
