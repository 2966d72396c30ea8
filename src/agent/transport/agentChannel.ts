import { rootCertificates } from 'node:tls';
import WebSocket from 'ws';
import { apiErrorOf, MAX_CHANNEL_CALL_BYTES, type AgentChannelReply, type AgentChannelRoute } from '../../shared';

/** A call that was in flight when the channel closed: a network failure, which deliveries retry as they retry HTTP's. */
export class ChannelClosedError extends Error {
  constructor(reason: string) {
    super(`the agent channel closed: ${reason}`);
    this.name = 'ChannelClosedError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

export interface AgentChannelConnect {
  /** The coordinator's base URL (http[s]://…) and the channel's path its register reply named. */
  baseUrl: string;
  path: string;
  credential: string;
  /** PEM certificates trusted for wss:// besides Node's bundled roots. */
  ca?: string | Buffer;
  /** How long the upgrade may take before the channel counts as refused. */
  handshakeTimeoutMs?: number;
}

/** The channel's WebSocket URL: ws:// for http://, wss:// for https://, on the same host and port. */
export function channelUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The agent's end of the channel (src/shared/agentChannel.ts): calls go out as `{id, call, params,
 * query, body}` and their replies come back by id, as a fetch's would (a non-2xx status is the
 * same ApiError). A call that times out closes the channel, as a timed-out request closes its
 * connection, so the coordinator stops a long-poll nobody will read.
 */
export class AgentChannel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closedReason: string | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.settle(data));
    socket.on('close', (code: number, reason: Buffer) => this.failAll(`code ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}`));
    // 'close' follows every error; the error itself needs a listener or ws throws it.
    socket.on('error', () => undefined);
  }

  /** Opens the channel; rejects when the coordinator refuses the upgrade (an older one, a proxy) or cannot be reached. */
  static open(options: AgentChannelConnect): Promise<AgentChannel> {
    const ca = options.ca === undefined ? undefined : [...rootCertificates, options.ca.toString()];
    const socket = new WebSocket(channelUrl(options.baseUrl, options.path), {
      headers: { authorization: `Bearer ${options.credential}` },
      // Calls are small JSON; compressing them would cost more CPU than the loopback or LAN saves.
      perMessageDeflate: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      ca,
    });
    return new Promise((resolve, reject) => {
      const refused = (error: unknown) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new AgentChannel(socket));
      });
      socket.once('unexpected-response', (_request, response) => refused(new Error(`the coordinator refused the agent channel: HTTP ${response.statusCode}`)));
      socket.once('error', refused);
    });
  }

  get isOpen(): boolean {
    return this.closedReason === null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Resolves when the channel closes (for any reason). */
  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== null) return listener(this.closedReason);
    this.socket.once('close', () => listener(this.closedReason ?? 'closed'));
  }

  /**
   * Sends a call; null when it cannot go this way (the channel closed, or the call is larger than
   * a channel message may be), so the caller sends it over HTTP instead.
   */
  call(name: AgentChannelRoute, input: { params?: unknown; query?: unknown; body?: unknown }, timeoutMs: number): Promise<unknown> | null {
    if (!this.isOpen) return null;
    const id = ++this.nextId;
    const text = JSON.stringify({ id, call: name, params: input.params, query: input.query, body: input.body });
    if (text.length > MAX_CHANNEL_CALL_BYTES / 3 && Buffer.byteLength(text) > MAX_CHANNEL_CALL_BYTES) return null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the coordinator did not answer ${name} over the agent channel within ${timeoutMs} ms`));
        this.close('a call timed out');
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(text);
    });
  }

  close(reason = 'closed by the agent'): void {
    this.failAll(reason);
    this.socket.terminate();
  }

  private settle(data: Buffer): void {
    let reply: AgentChannelReply;
    try {
      reply = JSON.parse(data.toString()) as AgentChannelReply;
    } catch {
      return this.close('a reply that is not JSON');
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.status >= 200 && reply.status < 300) pending.resolve(reply.body);
    else pending.reject(apiErrorOf(reply.status, reply.body));
  }

  private failAll(reason: string): void {
    this.closedReason ??= reason;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new ChannelClosedError(reason));
    }
    this.pending.clear();
  }
}
