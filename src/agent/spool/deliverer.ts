import { Wakeup } from '../wakeup';
import { Deadlines } from './deadlines';
import type { AgentLogger } from '../logger';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { Outbox, OutboxItem } from './outboxItem';
import type { Spool, SpooledItem } from './spool';

/** After a failed send: try again later, or give the item up (the coordinator refused it for good). */
export type FailureVerdict = 'retry' | 'drop';

export interface DelivererOptions {
  spool: Spool;
  send: (item: OutboxItem) => Promise<void>;
  judgeFailure?: (error: unknown) => FailureVerdict;
  backoff?: BackoffOptions;
  logger?: AgentLogger;
  /** The congestion bound in bytes, instead of MAX_BACKLOG_BYTES (tests use a small one). */
  maxBacklogBytes?: number;
}

/**
 * How many bytes of unsent items (log data, metric points) the deliverer keeps in memory before it
 * reports congestion and running jobs' output stops being read. A lane sends one item at a time, so
 * a few items queued per lane keep deliveries busy; 1 MiB is ~12 full log chunks. Without a bound a
 * job printing 100,000 metric lines took the agent to ~130 MB peak RSS (bench/README.md, goal < 60 MB);
 * the peak with 2 MiB was ~75 MB, with 512 KiB ~71 MB, whatever the number of lines.
 */
export const MAX_BACKLOG_BYTES = 1024 * 1024;
/** A metric point's rough size as JSON: points are counted in bytes so one bound covers logs and metrics. */
const METRIC_POINT_BYTES = 64;

/** What an item weighs in the backlog: what its log data or metric points take, not its bookkeeping. */
function backlogWeight(item: OutboxItem): number {
  if (item.kind === 'log') return item.data_b64.length;
  if (item.kind === 'metrics') return item.points.length * METRIC_POINT_BYTES;
  return 0;
}

/**
 * Delivers spooled items: one lane per attempt, in order within the lane, retrying with backoff
 * while the coordinator is unreachable. An item leaves the disk only once it was accepted or dropped.
 */
export class Deliverer implements Outbox {
  private readonly lanes = new Map<string, SpooledItem[]>();
  /** The backlog's bytes per lane, for each attempt's share of the bound (congestedFor). */
  private readonly laneBacklog = new Map<string, number>();
  private readonly wakeup = new Wakeup();
  private readonly drained = new Wakeup();
  private readonly settledWaiters = new Map<string, Array<() => void>>();
  /** The timeouts of settled() waits, on one timer: a timer armed and cleared per job cost more. */
  private readonly settleDeadlines = new Deadlines();
  private closed = false;
  private backlog = 0;
  private readonly maxBacklog: number;
  /**
   * Set when a send failed and will be retried (the coordinator is unreachable or overloaded), cleared
   * by the next accepted send. While it is set nothing is held back: a coordinator that is down (a
   * laptop closed for the night) must never stall running jobs on a full pipe; their output goes to
   * the spool and memory as it did before backpressure, and is held back again once sends succeed.
   */
  private unreachable = false;
  private relieveListeners: Array<() => void> = [];

  constructor(private readonly options: DelivererOptions) {
    this.maxBacklog = options.maxBacklogBytes ?? MAX_BACKLOG_BYTES;
    for (const spooled of options.spool.takeLeftovers()) this.enqueue(spooled);
  }

  push(item: OutboxItem): void {
    if (this.closed) return;
    this.enqueue(this.options.spool.write(item));
  }

  /** Bytes of log data and metric points waiting in memory for delivery (see MAX_BACKLOG_BYTES). */
  get backlogBytes(): number {
    return this.backlog;
  }

  get congested(): boolean {
    return this.backlog > this.maxBacklog && !this.closed && !this.unreachable;
  }

  /**
   * Whether an attempt's output should wait: the backlog is over the bound and this attempt holds at
   * least its share of the bound (the bound divided among the attempts with items waiting). The
   * bound is the agent's, not each job's, so memory does not grow with the slots; the share keeps one
   * job's flood from holding back another job whose own items are few (each lane sends one item at
   * a time, so such a job's lane would otherwise idle while the flood's backlog drains). Attempts
   * under their share may add at most one share each while the bound is over: under twice the bound.
   */
  congestedFor(jobId: number, attempt: number): boolean {
    if (!this.congested) return false;
    const held = this.laneBacklog.get(`${jobId}/${attempt}`) ?? 0;
    return held >= this.maxBacklog / Math.max(1, this.lanes.size);
  }

  onceRelieved(listener: () => void): void {
    if (this.congested) this.relieveListeners.push(listener);
    else listener();
  }

  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.length;
    return count;
  }

  /** The coordinator is reachable again: retry now instead of at the end of the backoff. */
  nudge(): void {
    this.wakeup.notify();
  }

  /** Waits until every item is delivered or `timeoutMs` passed; true when nothing is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && !this.closed && Date.now() < deadline) await this.drained.wait(deadline - Date.now());
    return this.pending === 0;
  }

  /**
   * Resolves once everything an attempt sent so far was accepted or dropped (or the deliverer
   * closed), or after `timeoutMs` at the latest when given.
   */
  settled(jobId: number, attempt: number, timeoutMs?: number): Promise<void> {
    const key = `${jobId}/${attempt}`;
    if (!this.lanes.has(key) || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.settledWaiters.get(key) ?? [];
      this.settledWaiters.set(key, waiters);
      if (timeoutMs === undefined) return void waiters.push(resolve);
      const deadline = this.settleDeadlines.add(Date.now() + timeoutMs, resolve);
      // Settled in time (nearly always): the deadline's timer need not come back for this wait.
      waiters.push(() => {
        deadline.cancel();
        resolve();
      });
    });
  }

  /** Stops sending; what is unsent stays on disk for the next run. */
  close(): void {
    for (const waiters of this.settledWaiters.values()) for (const wake of waiters) wake();
    this.settledWaiters.clear();
    this.settleDeadlines.clear();
    this.closed = true;
    this.relieve();
    this.options.spool.close();
    this.wakeup.notify();
    this.drained.notify();
  }

  private enqueue(spooled: SpooledItem): void {
    const weight = backlogWeight(spooled.item);
    this.backlog += weight;
    const key = `${spooled.item.job_id}/${spooled.item.attempt}`;
    this.laneBacklog.set(key, (this.laneBacklog.get(key) ?? 0) + weight);
    const lane = this.lanes.get(key);
    if (lane) return void lane.push(spooled);
    this.lanes.set(key, [spooled]);
    void this.runLane(key);
  }

  private async runLane(key: string): Promise<void> {
    const lane = this.lanes.get(key) as SpooledItem[];
    let failures = 0;
    while (lane.length > 0 && !this.closed) {
      const head = lane[0];
      try {
        await this.options.send(head.item);
      } catch (error) {
        if ((this.options.judgeFailure?.(error) ?? 'retry') === 'retry') {
          failures++;
          this.unreachable = true;
          this.relieve();
          const delay = backoffDelay(failures, this.options.backoff);
          this.options.logger?.warn('delivery failed; will retry', { item: head.file, delay_ms: Math.round(delay), error: String(error) });
          await this.wakeup.wait(delay);
          continue;
        }
        this.options.logger?.warn('coordinator refused an item; dropping it', { item: head.file, error: String(error) });
      }
      failures = 0;
      this.unreachable = false;
      this.options.spool.remove(head);
      lane.shift();
      const weight = backlogWeight(head.item);
      this.backlog -= weight;
      this.laneBacklog.set(key, (this.laneBacklog.get(key) ?? 0) - weight);
      // Half the bound as the low-water mark: jobs resume with room for a burst, not one item at a time.
      if (this.backlog <= this.maxBacklog / 2) this.relieve();
    }
    if (lane.length === 0) {
      this.lanes.delete(key);
      this.laneBacklog.delete(key);
      for (const wake of this.settledWaiters.get(key) ?? []) wake();
      this.settledWaiters.delete(key);
    }
    this.drained.notify();
  }

  private relieve(): void {
    if (this.relieveListeners.length === 0) return;
    const listeners = this.relieveListeners;
    this.relieveListeners = [];
    for (const listener of listeners) listener();
  }
}
