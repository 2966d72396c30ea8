import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Coordinator } from '../../core';
import type { GpuSample, QueueEvent } from '../../shared';
import { LiveClient } from './liveClient';

/** How often open sockets' tokens are checked again: a revoked token's socket closes within this. */
const REVALIDATE_MS = 500;
/** Close code for a socket whose token was revoked or expired (4000–4999 are the application's). */
export const TOKEN_REVOKED_CLOSE = 4401;

/** Fans coordinator events, GPU samples and log appends out to every open WebSocket. */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly sockets = new Set<WebSocket>();
  /** Per socket: whether its token still stands. */
  private readonly validity = new Map<WebSocket, () => boolean>();
  private readonly unsubscribe: () => void;
  private readonly revalidator: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = coordinator.subscribe((event) => this.onEvent(event));
    this.revalidator = setInterval(() => this.closeRevoked(), REVALIDATE_MS);
    this.revalidator.unref();
  }

  attach(socket: WebSocket, log: FastifyBaseLogger, stillValid: () => boolean = () => true): void {
    if (this.closed) {
      socket.close(1001, 'server closing');
      return;
    }
    const client = new LiveClient(socket, this.coordinator, log, this.now);
    this.clients.add(client);
    this.sockets.add(socket);
    this.validity.set(socket, stillValid);
    socket.on('message', (data) => client.handleMessage(data));
    socket.on('close', () => {
      client.detach();
      this.clients.delete(client);
      this.sockets.delete(socket);
      this.validity.delete(socket);
    });
  }

  publishGpu(workerId: string, samples: GpuSample[]): void {
    const at = this.now();
    for (const client of this.clients) client.pushGpu(workerId, at, samples);
  }

  /** The append handler calls this once the coordinator accepted a chunk. */
  logAppended(jobId: number, attempt: number): void {
    for (const client of this.clients) client.refreshLogs(jobId, attempt);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.revalidator);
    this.unsubscribe();
    for (const socket of this.sockets) socket.close(1001, 'server closing');
  }

  private closeRevoked(): void {
    for (const [socket, stillValid] of this.validity) {
      if (stillValid()) continue;
      this.validity.delete(socket);
      socket.close(TOKEN_REVOKED_CLOSE, 'token revoked or expired');
    }
  }

  private onEvent(event: QueueEvent): void {
    for (const client of this.clients) client.pushEvent(event);
    const jobId = event.job_id;
    if (jobId === null || this.clients.size === 0) return;
    // Reading the log back is deferred: the listener runs inside the coordinator's commit path.
    setImmediate(() => {
      if (this.closed) return;
      for (const client of this.clients) client.refreshLogs(jobId);
    });
  }
}
