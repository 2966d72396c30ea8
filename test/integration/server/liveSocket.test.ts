import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WsServerMessage, type WsClientMessage } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

/** A WebSocket client that queues what it receives so a test can wait for the message it expects. */
class LiveTestClient {
  private readonly received: WsServerMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(WsServerMessage.parse(JSON.parse(data.toString())));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(url: string): Promise<LiveTestClient> {
    const socket = new WebSocket(url);
    const client = new LiveTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(message: WsClientMessage | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Removes and returns the first queued message matching `match`, waiting for it if needed. */
  async next<T extends WsServerMessage['type']>(type: T, match: (message: Extract<WsServerMessage, { type: T }>) => boolean = () => true): Promise<Extract<WsServerMessage, { type: T }>> {
    for (;;) {
      const index = this.received.findIndex((message) => message.type === type && match(message as Extract<WsServerMessage, { type: T }>));
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<WsServerMessage, { type: T }>;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.close();
  }
}

describe('the live WebSocket', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/ws`;
  });
  afterAll(() => server.close());

  it('refuses the upgrade without a valid read or admin token', async () => {
    for (const query of ['', '?token=wrong', `?token=${server.tokens.worker}`]) {
      const socket = new WebSocket(`${base}${query}`);
      const status = await new Promise<number | undefined>((resolve) => {
        // With this listener ws leaves the refused request to us; destroying it ends the attempt quietly.
        socket.once('unexpected-response', (request, response) => {
          resolve(response.statusCode);
          request.destroy();
        });
        socket.once('open', () => resolve(undefined));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(query === '' || query === '?token=wrong' ? 401 : 403);
    }
  });

  it('pushes the events of a submit to a subscriber', async () => {
    const client = await LiveTestClient.open(`${base}?token=${server.tokens.read}`);
    client.send({ type: 'ping' });
    await client.next('pong');
    client.send({ type: 'subscribe', after: 0 });
    // The pong to a later ping proves the subscribe was handled before the submit.
    client.send({ type: 'ping' });
    await client.next('pong');
    const job = server.coordinator.submit({ command: ['echo', 'hi'] });
    const { event } = await client.next('event', (message) => message.event.job_id === job.id);
    expect(event.type).toMatch(/^job\./);
    client.close();
  });

  it('replays the events missed since `after` on resume, in order', async () => {
    const after = server.coordinator.lastEventId();
    const missed = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] })];
    const client = await LiveTestClient.open(`${base}?token=${server.tokens.admin}`);
    client.send({ type: 'subscribe', after });
    const first = await client.next('event');
    const second = await client.next('event', (message) => message.event.job_id === missed[1].id);
    expect(first.event.id).toBe(after + 1);
    expect(first.event.job_id).toBe(missed[0].id);
    expect(second.event.id).toBeGreaterThan(first.event.id);
    client.close();
  });

  it('tells a client to resync when the events it missed were pruned, then goes on from now', async () => {
    const after = server.coordinator.lastEventId();
    server.coordinator.submit({ command: ['pruned-a'] });
    server.coordinator.submit({ command: ['pruned-b'] });
    // What the retention sweep does to old events, done by hand on the same file.
    const db = new Database(join(server.coordinator.dataDir, 'gantry.db'));
    db.prepare('DELETE FROM events WHERE id <= ?').run(after + 1);
    db.close();
    const client = await LiveTestClient.open(`${base}?token=${server.tokens.admin}`);
    client.send({ type: 'subscribe', after });
    expect((await client.next('error')).code).toBe('resync');
    const fresh = server.coordinator.submit({ command: ['after-resync'] });
    expect((await client.next('event')).event.job_id).toBe(fresh.id);
    client.close();
  });

  it('pushes GPU samples from a heartbeat as gpu messages', async () => {
    const worker = server.coordinator.registerWorker({ name: 'gpu-box', cpus: 4, memory_mb: 1000, gpus: [{ index: 0, model: 'H100', memory_total_mb: 80_000 }] });
    const credential = worker.credential as string;
    const client = await LiveTestClient.open(`${base}?token=${server.tokens.read}`);
    client.send({ type: 'subscribe', after: 0 });
    client.send({ type: 'ping' });
    await client.next('pong');
    const sample = { index: 0, utilization_pct: 97, memory_used_mb: 1000, memory_total_mb: 80_000, temperature_c: 60, power_w: 300 };
    await server.call('POST', `/api/v1/workers/${worker.id}/heartbeat`, credential, { gpu_samples: [sample] });
    const gpu = await client.next('gpu');
    expect(gpu).toMatchObject({ worker_id: worker.id, samples: [{ index: 0, utilization_pct: 97 }] });
    client.close();
  });

  it('follows a log: existing bytes, then appended bytes, byte-identical, then log_end', async () => {
    const worker = server.coordinator.registerWorker({ name: 'logger', cpus: 64, memory_mb: 100_000 });
    const credential = worker.credential as string;
    const job = server.coordinator.submit({ command: ['run'], priority: 1000 });
    const [claimed] = server.coordinator.claim(worker.id, { max: 1 });
    expect(claimed.job.id).toBe(job.id);
    const before = Buffer.from('\x1b[32mstep 1\x1b[0m\r\n\xff\x00');
    const after = Buffer.from([0xe2, 0x96, 0x88, 0x0d, 0x0a, 0xc3]);
    server.coordinator.appendLog(job.id, claimed.attempt, 0, before);

    const client = await LiveTestClient.open(`${base}?token=${server.tokens.read}`);
    client.send({ type: 'follow_log', job_id: job.id, attempt: claimed.attempt, offset: 0 });
    const first = await client.next('log');
    expect(first.offset).toBe(0);
    expect(Buffer.from(first.data_b64, 'base64').equals(before)).toBe(true);

    await server.call('POST', `/api/v1/jobs/${job.id}/logs`, credential, { attempt: claimed.attempt, seq: 1, data_b64: after.toString('base64') });
    const second = await client.next('log');
    expect(second.offset).toBe(before.length);
    expect(Buffer.from(second.data_b64, 'base64').equals(after)).toBe(true);

    await server.call('POST', `/api/v1/jobs/${job.id}/finish`, credential, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
    const end = await client.next('log_end');
    expect(end).toMatchObject({ job_id: job.id, attempt: claimed.attempt, size: before.length + after.length });
    client.close();
  });

  it('answers malformed messages with an error message and keeps the connection', async () => {
    const client = await LiveTestClient.open(`${base}?token=${server.tokens.read}`);
    for (const bad of ['not json', '{"type":"launch"}', JSON.stringify({ type: 'subscribe', after: -1 }), '\u0000'.repeat(100)]) {
      client.send(bad);
      expect((await client.next('error')).code).toBe('invalid_request');
    }
    client.send({ type: 'follow_log', job_id: 999_999, attempt: 1, offset: 0 });
    expect((await client.next('error')).code).toBe('not_found');
    client.send({ type: 'ping' });
    await client.next('pong');
    client.close();
  });
});
