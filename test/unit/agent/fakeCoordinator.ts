import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClaimedJob, Heartbeat, LogChunk, MetricPoint, FinishRequest, WorkerRegister } from '../../../src/shared';

interface Recorded {
  registrations: WorkerRegister[];
  heartbeats: Heartbeat[];
  claims: number;
  logs: Array<LogChunk & { job_id: number }>;
  metrics: MetricPoint[];
  finishes: Array<FinishRequest & { job_id: number }>;
  deregistered: string[];
}

/**
 * Speaks the worker half of the route table (src/shared/routes.ts) well enough to drive one agent
 * in-process, until the real coordinator and server are wired into end-to-end tests.
 */
export class FakeCoordinator {
  readonly recorded: Recorded = { registrations: [], heartbeats: [], claims: 0, logs: [], metrics: [], finishes: [], deregistered: [] };
  readonly queue: ClaimedJob[] = [];
  readonly cancel: Array<{ job_id: number; attempt: number }> = [];
  leaseTtlS = 30;
  stop = false;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.route(req).then(
        ([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'internal', message: String(error) } }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async route(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const path = req.url ?? '';
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/api/v1/workers') {
      this.recorded.registrations.push(body);
      return [200, { id: 'w1', ...body, state: 'online', registered_at: 0, last_seen_at: 0, running: 0 }];
    }
    if (req.method === 'POST' && path === '/api/v1/workers/w1/heartbeat') {
      this.recorded.heartbeats.push(body);
      return [200, { cancel: this.cancel.splice(0), lease_ttl_s: this.leaseTtlS, state: 'online', stop: this.stop }];
    }
    if (req.method === 'POST' && path === '/api/v1/workers/w1/claim') {
      this.recorded.claims++;
      if (this.queue.length === 0) await new Promise((r) => setTimeout(r, Math.min(body.wait_ms, 100)));
      return [200, { jobs: this.queue.splice(0, body.max) }];
    }
    if (req.method === 'DELETE' && path === '/api/v1/workers/w1') {
      this.recorded.deregistered.push('w1');
      return [200, { ok: true }];
    }
    if (req.method === 'POST' && (match = /^\/api\/v1\/jobs\/(\d+)\/(logs|metrics|finish)$/.exec(path))) {
      const job_id = Number(match[1]);
      if (match[2] === 'logs') this.recorded.logs.push({ ...body, job_id });
      if (match[2] === 'metrics') this.recorded.metrics.push(...body.points);
      if (match[2] === 'finish') this.recorded.finishes.push({ ...body, job_id });
      return [200, match[2] === 'logs' ? { accepted: true, next_seq: body.seq + 1 } : { recorded: 1 }];
    }
    return [404, { error: { code: 'not_found', message: `${req.method} ${path}` } }];
  }
}
