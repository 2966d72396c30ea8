import type { FinishRequest, MetricPoint } from '../../shared';

/** What a running attempt sends to the coordinator; each item is spooled to disk until it is accepted. */
export type OutboxItem =
  | { kind: 'log'; job_id: number; attempt: number; seq: number; stream: 'stdout' | 'stderr'; data_b64: string }
  | { kind: 'metrics'; job_id: number; attempt: number; points: MetricPoint[] }
  | { kind: 'finish'; job_id: number; attempt: number; outcome: FinishRequest['outcome']; exit_code: number | null; error: string | null; preempted?: boolean };

/** Where a running attempt puts what it has to send. */
export interface Outbox {
  push(item: OutboxItem): void;
  /**
   * Flow control, for outboxes that hold unsent items in memory: true while they hold more than
   * they should and this attempt holds its share of it, so the attempt stops reading its job's
   * output until `onceRelieved` calls back.
   */
  congestedFor?(jobId: number, attempt: number): boolean;
  /** Calls `listener` once, when the outbox is no longer congested (at once when it is not). */
  onceRelieved?(listener: () => void): void;
}
