import { WsServerMessage, type WsClientMessage } from '../../../shared';
import type { QueueEvent, GpuSample } from '../../../shared';
import { reconnectDelay } from './reconnectDelay';
import { decodeBase64, newLogBytes } from './logBytes';

export type SocketStatus = 'connecting' | 'open' | 'retrying' | 'stopped';

export interface GpuMessage {
  worker_id: string;
  at: number;
  samples: GpuSample[];
}

export interface LogFollower {
  /** `stderr`: the [start, end) log offsets within these bytes that the job wrote to stderr. */
  onData(bytes: Uint8Array, offset: number, stderr: Array<[number, number]>): void;
  onEnd(size: number): void;
}

export interface SocketCallbacks {
  onEvent(event: QueueEvent): void;
  onGpu(message: GpuMessage): void;
  onStatus(status: SocketStatus, detail: { retryInMs?: number; lastEventId: number; reconnected: boolean }): void;
  onServerError?(code: string, message: string): void;
}

interface Follow {
  jobId: number;
  attempt: number;
  offset: number;
  follower: LogFollower;
}

export interface SocketOptions {
  url: string;
  callbacks: SocketCallbacks;
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
  pingMs?: number;
}

const key = (jobId: number, attempt: number): string => `${jobId}:${attempt}`;

/**
 * The one WebSocket: events resume from the last id seen after any reconnect, and log follows
 * resume from the last byte received, so a dropped connection loses nothing and repeats nothing.
 */
export class GantrySocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private lastEventId = 0;
  private everOpened = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly follows = new Map<string, Follow>();

  constructor(private readonly options: SocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.socket?.close();
    this.socket = null;
    this.options.callbacks.onStatus('stopped', { lastEventId: this.lastEventId, reconnected: false });
  }

  /** Follows an attempt's log from `offset`; returns the unfollow function. */
  followLog(jobId: number, attempt: number, offset: number, follower: LogFollower): () => void {
    const follow: Follow = { jobId, attempt, offset, follower };
    this.follows.set(key(jobId, attempt), follow);
    this.send({ type: 'follow_log', job_id: jobId, attempt, offset });
    return () => {
      if (this.follows.get(key(jobId, attempt)) !== follow) return;
      this.follows.delete(key(jobId, attempt));
      this.send({ type: 'unfollow_log', job_id: jobId, attempt });
    };
  }

  get eventId(): number {
    return this.lastEventId;
  }

  private connect(): void {
    this.options.callbacks.onStatus('connecting', { lastEventId: this.lastEventId, reconnected: false });
    const socket = (this.options.createSocket ?? ((url) => new WebSocket(url)))(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.send({ type: 'subscribe', after: this.lastEventId });
      for (const f of this.follows.values()) this.send({ type: 'follow_log', job_id: f.jobId, attempt: f.attempt, offset: f.offset });
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.options.pingMs ?? 25_000);
      this.options.callbacks.onStatus('open', { lastEventId: this.lastEventId, reconnected });
    };
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      if (this.stopped) return;
      const delay = reconnectDelay(this.attempt++, this.options.random);
      this.options.callbacks.onStatus('retrying', { retryInMs: delay, lastEventId: this.lastEventId, reconnected: false });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  private send(message: WsClientMessage): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = WsServerMessage.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'event':
        // A replay after resume can overlap what we already applied.
        if (message.event.id <= this.lastEventId) return;
        this.lastEventId = message.event.id;
        this.options.callbacks.onEvent(message.event);
        return;
      case 'gpu':
        this.options.callbacks.onGpu(message);
        return;
      case 'log': {
        const follow = this.follows.get(key(message.job_id, message.attempt));
        if (!follow) return;
        const bytes = newLogBytes(follow.offset, message.offset, decodeBase64(message.data_b64));
        if (!bytes) return;
        const at = Math.max(follow.offset, message.offset);
        follow.offset = Math.max(follow.offset, message.offset) + bytes.length;
        follow.follower.onData(bytes, at, message.stderr);
        return;
      }
      case 'log_end': {
        // The server forgets a finished log's follow; so do we, or a reconnect would ask again.
        const follow = this.follows.get(key(message.job_id, message.attempt));
        this.follows.delete(key(message.job_id, message.attempt));
        follow?.follower.onEnd(message.size);
        return;
      }
      case 'error':
        this.options.callbacks.onServerError?.(message.code, message.message);
        return;
      case 'pong':
        return;
    }
  }
}

export function socketUrl(serverUrl: string, token: string | null): string {
  const url = new URL('/api/v1/ws', serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
