import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Coordinator } from '../../core';
import type { GpuSample, QueueEvent } from '../../shared';
import { LiveClient } from './liveClient';

/** Fans coordinator events, GPU samples and log appends out to every open WebSocket. */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly sockets = new Set<WebSocket>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = coordinator.subscribe((event) => this.onEvent(event));
  }

  attach(socket: WebSocket, log: FastifyBaseLogger): void {
    if (this.closed) {
      socket.close(1001, 'server closing');
      return;
    }
    const client = new LiveClient(socket, this.coordinator, log);
    this.clients.add(client);
    this.sockets.add(socket);
    socket.on('message', (data) => client.handleMessage(data));
    socket.on('close', () => {
      this.clients.delete(client);
      this.sockets.delete(socket);
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
    this.unsubscribe();
    for (const socket of this.sockets) socket.close(1001, 'server closing');
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
