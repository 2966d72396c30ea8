import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Coordinator } from '../../core';
import { validationErrorFromZod, WsClientMessage, type GpuSample, type QueueEvent, type WsServerMessage } from '../../shared';
import { toErrorReply } from '../errors/errorReply';

/** Bytes of log per `log` message: large enough for throughput, small enough to interleave with events. */
const LOG_CHUNK = 256 * 1024;
/**
 * A client that stops reading is dropped rather than buffered without bound; it
 * resumes with `subscribe {after}` and `follow_log {offset}` and loses nothing.
 */
const MAX_BUFFERED = 16 * 1024 * 1024;
const REPLAY_PAGE = 1000;
/** Past this many missed events, reloading state is cheaper for the client than a replay. */
const MAX_REPLAY = 50_000;

interface Follow {
  jobId: number;
  attempt: number;
  offset: number;
}

const followKey = (jobId: number, attempt: number) => `${jobId}:${attempt}`;

/** Logs one socket may follow at once; a console follows one or two. */
export const MAX_FOLLOWS = 64;
/** `subscribe` messages one socket may send per minute: each may replay thousands of events. */
export const MAX_SUBSCRIBES_PER_MINUTE = 20;

/** One WebSocket connection: its event subscription and the logs it follows. */
export class LiveClient {
  /** Id of the last event sent; null until the client subscribes. */
  private lastEventId: number | null = null;
  private readonly follows = new Map<string, Follow>();
  private subscribeTimes: number[] = [];
  private detached = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly coordinator: Coordinator,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The socket closed: stop every follow, so no log is read for nobody. */
  detach(): void {
    this.detached = true;
    this.follows.clear();
  }

  handleMessage(data: RawData): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      this.sendError('invalid_request', 'message is not JSON');
      return;
    }
    const result = WsClientMessage.safeParse(parsed);
    if (!result.success) {
      this.sendError('invalid_request', validationErrorFromZod(result.error).message);
      return;
    }
    try {
      const message = result.data;
      switch (message.type) {
        case 'subscribe':
          if (!this.allowSubscribe()) return;
          return this.subscribe(message.after);
        case 'follow_log':
          if (!this.follows.has(followKey(message.job_id, message.attempt)) && this.follows.size >= MAX_FOLLOWS) {
            return this.sendError('rate_limited', `this socket already follows ${MAX_FOLLOWS} logs, the most one socket may; unfollow one first`);
          }
          this.follows.set(followKey(message.job_id, message.attempt), { jobId: message.job_id, attempt: message.attempt, offset: message.offset });
          return this.pumpLog(followKey(message.job_id, message.attempt));
        case 'unfollow_log':
          this.follows.delete(followKey(message.job_id, message.attempt));
          return;
        case 'ping':
          return this.send({ type: 'pong' });
      }
    } catch (error) {
      this.replyError(error);
    }
  }

  pushEvent(event: QueueEvent): void {
    if (this.lastEventId === null || event.id <= this.lastEventId) return;
    this.lastEventId = event.id;
    this.send({ type: 'event', event });
  }

  pushGpu(workerId: string, at: number, samples: GpuSample[]): void {
    if (this.lastEventId !== null) this.send({ type: 'gpu', worker_id: workerId, at, samples });
  }

  /** New bytes (or the end) may exist for these followed logs: send them. */
  refreshLogs(jobId: number, attempt?: number): void {
    for (const [key, follow] of this.follows) {
      if (follow.jobId !== jobId || (attempt !== undefined && follow.attempt !== attempt)) continue;
      try {
        this.pumpLog(key);
      } catch (error) {
        this.replyError(error);
      }
    }
  }

  private subscribe(after: number): void {
    // An id past the end (another data dir, say) would otherwise hide every new event until ids catch up.
    const newest = this.coordinator.lastEventId();
    let last = Math.min(after === 0 ? Number.MAX_SAFE_INTEGER : after, newest);
    this.lastEventId = null;
    const oldest = this.coordinator.eventsSince(0, 1)[0]?.id ?? newest + 1;
    if (after > 0 && (after < oldest - 1 || newest - after > MAX_REPLAY)) {
      // The missed events were pruned, or are too many: the client reloads and goes on from now.
      this.sendError('resync', `events after ${after} are no longer all kept; reload state and continue from event ${newest}`);
      last = newest;
    } else if (after > 0) {
      for (;;) {
        const page = this.coordinator.eventsSince(last, REPLAY_PAGE);
        for (const event of page) this.send({ type: 'event', event });
        if (page.length > 0) last = page[page.length - 1].id;
        if (page.length < REPLAY_PAGE) break;
      }
    }
    this.lastEventId = last;
  }

  private allowSubscribe(): boolean {
    const now = this.now();
    this.subscribeTimes = this.subscribeTimes.filter((at) => at > now - 60_000);
    if (this.subscribeTimes.length >= MAX_SUBSCRIBES_PER_MINUTE) {
      this.sendError('rate_limited', `at most ${MAX_SUBSCRIBES_PER_MINUTE} subscribe messages per minute on one socket; keep the subscription you have`);
      return false;
    }
    this.subscribeTimes.push(now);
    return true;
  }

  private pumpLog(key: string): void {
    const follow = this.follows.get(key);
    if (!follow) return;
    try {
      for (;;) {
        // A socket that closed, or was closed for being slow, reads no more of the log.
        if (this.detached || this.socket.readyState !== this.socket.OPEN) {
          this.follows.delete(key);
          return;
        }
        const read = this.coordinator.readLog(follow.jobId, follow.attempt, follow.offset, LOG_CHUNK);
        if (read.data.length > 0) {
          this.send({ type: 'log', job_id: follow.jobId, attempt: follow.attempt, offset: follow.offset, data_b64: read.data.toString('base64'), stderr: read.stderr });
          follow.offset = read.next_offset;
        }
        if (read.complete && follow.offset >= read.size) {
          this.follows.delete(key);
          this.send({ type: 'log_end', job_id: follow.jobId, attempt: follow.attempt, size: read.size });
          return;
        }
        if (read.data.length === 0 || follow.offset >= read.size) return;
      }
    } catch (error) {
      this.follows.delete(key);
      throw error;
    }
  }

  private replyError(error: unknown): void {
    const { status, body } = toErrorReply(error);
    if (status >= 500) this.log.error({ err: error }, 'live message failed');
    this.sendError(body.error.code, body.error.message);
  }

  private sendError(code: string, message: string): void {
    this.send({ type: 'error', code, message });
  }

  private send(message: WsServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED) {
      this.socket.close(1013, 'client too slow; reconnect and resume');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }
}
