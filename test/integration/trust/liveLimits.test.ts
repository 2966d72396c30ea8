import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_FOLLOWS, MAX_SUBSCRIBES_PER_MINUTE } from '../../../src/server/live/liveClient';
import { TOKEN_REVOKED_CLOSE } from '../../../src/server/live/liveHub';
import { MAX_PARKED_CLAIMS_PER_WORKER } from '../../../src/server/routes/workers/parkedClaims';
import { createTestServer, type TestServer } from '../server/testServer';

interface Message {
  type: string;
  code?: string;
  message?: string;
}

async function openSocket(url: string): Promise<{ socket: WebSocket; messages: Message[]; closed: Promise<number> }> {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, messages, closed };
}

/** Sends a ping and resolves once its pong is back: every message sent before it has been handled. */
async function settle(socket: WebSocket, messages: Message[]): Promise<void> {
  const pongs = messages.filter((m) => m.type === 'pong').length;
  socket.send(JSON.stringify({ type: 'ping' }));
  const deadline = Date.now() + 10_000;
  while (messages.filter((m) => m.type === 'pong').length === pongs) {
    if (Date.now() > deadline) throw new Error('no pong');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('bounded work per caller', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await createTestServer();
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.app.server.closeAllConnections();
    await server.close();
  });

  it('closes a revoked token’s open WebSocket', async () => {
    const created = server.coordinator.createToken({ name: 'dashboard', scope: 'read' });
    const { closed } = await openSocket(`ws://${base}/api/v1/ws?token=${created.token}`);
    server.coordinator.revokeToken(created.record.id);
    expect(await closed).toBe(TOKEN_REVOKED_CLOSE);
  });

  it('refuses subscribes past the per-socket limit with a clear error, and keeps the socket', async () => {
    const { socket, messages } = await openSocket(`ws://${base}/api/v1/ws?token=${server.tokens.read}`);
    for (let i = 0; i < MAX_SUBSCRIBES_PER_MINUTE + 5; i++) socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));
    await settle(socket, messages);
    const refusals = messages.filter((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(refusals).toHaveLength(5);
    expect(refusals[0].message).toContain(String(MAX_SUBSCRIBES_PER_MINUTE));
    socket.close();
  });

  it('refuses follows past the per-socket limit with a clear error', async () => {
    const worker = await server.enrol('follow-target', { cpus: 1000, memory_mb: 1_000_000 });
    const jobs = server.coordinator.submitBatch(Array.from({ length: MAX_FOLLOWS + 1 }, () => ({ command: ['x'], priority: 1000 })));
    await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: MAX_FOLLOWS + 1 });
    const { socket, messages } = await openSocket(`ws://${base}/api/v1/ws?token=${server.tokens.read}`);
    for (const job of jobs) socket.send(JSON.stringify({ type: 'follow_log', job_id: job.id, attempt: 1, offset: 0 }));
    await settle(socket, messages);
    const refusals = messages.filter((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(refusals).toHaveLength(1);
    expect(refusals[0].message).toContain(String(MAX_FOLLOWS));
    socket.close();
    for (const job of jobs) server.coordinator.cancel(job.id);
  });

  it('refuses claim long-polls past the per-worker limit with 429, and frees the slots when they return', async () => {
    const worker = await server.enrol('poller');
    let subscribed = 0;
    const original = server.coordinator.subscribe;
    server.coordinator.subscribe = (listener) => {
      subscribed++;
      return original(listener);
    };
    const hangUp = new AbortController();
    const parked = Array.from({ length: MAX_PARKED_CLAIMS_PER_WORKER }, () =>
      fetch(`http://${base}/api/v1/workers/${worker.id}/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${worker.credential}`, 'content-type': 'application/json' },
        body: JSON.stringify({ wait_ms: 60_000 }),
        signal: hangUp.signal,
      }).catch(() => null),
    );
    // A poll subscribes to the coordinator once its first claim found nothing: then it is parked.
    for (const deadline = Date.now() + 20_000; subscribed < MAX_PARKED_CLAIMS_PER_WORKER; ) {
      if (Date.now() > deadline) throw new Error(`only ${subscribed} polls parked`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.coordinator.subscribe = original;
    const refused = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { wait_ms: 60_000 });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toContain(`worker ${worker.id} already has ${MAX_PARKED_CLAIMS_PER_WORKER} claims waiting`);
    hangUp.abort();
    await Promise.all(parked);
    for (const deadline = Date.now() + 20_000; ; ) {
      const again = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { wait_ms: 1 });
      if (again.statusCode === 200) break;
      if (Date.now() > deadline) throw new Error('the parked slots were never freed');
    }
  });
});
