import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotifyDelivery } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** A webhook receiver on loopback that answers with the statuses given in turn (then 200). */
async function startReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => resolve(text));
    });
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      response.statusCode = statuses.shift() ?? 200;
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Polls the delivery log until `accept` likes it, with a deadline. */
async function deliveriesUntil(server: TestServer, accept: (log: NotifyDelivery[]) => boolean): Promise<NotifyDelivery[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const log = (await server.call('GET', '/api/v1/notifications/deliveries', server.tokens.admin)).json() as NotifyDelivery[];
    if (accept(log)) return log;
    if (Date.now() > deadline) throw new Error(`delivery log never matched: ${JSON.stringify(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const receiver = await startReceiver();
  const server = await createTestServer({ notifications: { retryBaseMs: 10 } });
  cleanups.push(() => receiver.close(), () => server.close());
  const addRule = async (rule: Record<string, unknown>) => {
    const response = await server.call('POST', '/api/v1/notifications/rules', server.tokens.admin, rule);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { id: number; webhook: string };
  };
  const failJob = (project = 'default') => {
    const worker = server.coordinator.registerWorker({ name: `w-${Math.random()}`, cpus: 4, memory_mb: 4000 }).id;
    const job = server.coordinator.submit({ command: ['false'], project, name: 'train' });
    const [claimed] = server.coordinator.claim(worker, { max: 1 });
    server.coordinator.finish(job.id, { attempt: claimed.attempt, outcome: 'failed', exit_code: 3 });
    return job.id;
  };
  return { receiver, server, addRule, failJob };
}

describe('notifications to webhooks', () => {
  it('posts a failure as generic JSON, only for the rule’s project', async () => {
    const { receiver, server, addRule, failJob } = await setup();
    server.coordinator.createProject({ name: 'vision' });
    await addRule({ on: 'failure', project: 'vision', webhook: `${receiver.url}/hook` });
    failJob('default');
    const id = failJob('vision');
    await deliveriesUntil(server, (log) => log.some((d) => d.state === 'delivered'));
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ path: '/hook', body: { event: 'failure', title: `Job #${id} failed`, data: { job_id: id, project: 'vision', exit_code: 3 } } });
  });

  it('speaks Slack and the Telegram Bot API sendMessage, and never lists the bot token', async () => {
    const { receiver, server, addRule, failJob } = await setup();
    await addRule({ on: 'failure', webhook: `${receiver.url}/services/T000/B000/XXXXXXXXXXXXXXXX`, format: 'slack' });
    const telegram = await addRule({ on: 'failure', webhook: `${receiver.url}/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage?chat_id=42`, format: 'telegram' });
    expect(telegram.webhook).not.toContain('ABCDEFGHIJ');
    expect(telegram.webhook).not.toContain('chat_id=42');
    failJob();
    await deliveriesUntil(server, (log) => log.filter((d) => d.state === 'delivered').length === 2);
    const slack = receiver.received.find((r) => r.path.startsWith('/services/'));
    expect(slack?.body).toEqual({ text: expect.stringMatching(/^\*Job #\d+ failed\*\n#\d+ train in default: exited with code 3$/) });
    const bot = receiver.received.find((r) => r.path.startsWith('/bot'));
    expect(bot?.path).toBe('/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage?chat_id=42');
    expect(bot?.body).toMatchObject({ chat_id: '42', text: expect.stringContaining('failed') });
  });

  it('retries with backoff until the receiver answers 2xx, and gives up after five tries with the last error', async () => {
    const { server, addRule, failJob } = await setup();
    const flaky = await startReceiver([500, 503]);
    const broken = await startReceiver([500, 500, 500, 500, 500, 500]);
    cleanups.push(() => flaky.close(), () => broken.close());
    const ok = await addRule({ on: 'failure', webhook: flaky.url });
    const bad = await addRule({ on: 'failure', webhook: broken.url });
    failJob();
    const log = await deliveriesUntil(server, (entries) => entries.length === 2 && entries.every((d) => d.state !== 'pending'));
    expect(log.find((d) => d.rule_id === ok.id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(log.find((d) => d.rule_id === bad.id)).toMatchObject({ state: 'failed', attempts: 5, last_error: 'HTTP 500' });
    expect(flaky.received).toHaveLength(3);
    expect(broken.received).toHaveLength(5);
  });

  it('tells when a sweep is done, when a worker goes offline, and when queued jobs fit no worker', async () => {
    const { receiver, server, addRule } = await setup();
    for (const on of ['sweep-done', 'worker-offline', 'unrunnable']) await addRule({ on, webhook: receiver.url });
    const { coordinator } = server;
    const worker = coordinator.registerWorker({ name: 'box', cpus: 4, memory_mb: 4000 }).id;
    const sweep = await server.call('POST', '/api/v1/jobs/sweep', server.tokens.admin, { template: ['echo', '{x}'], params: { x: ['1', '2'] } });
    expect(sweep.statusCode).toBe(200);
    for (const c of coordinator.claim(worker, { max: 2 })) coordinator.finish(c.job.id, { attempt: c.attempt, outcome: 'succeeded', exit_code: 0 });
    coordinator.submit({ command: ['big'], requirements: { gpus: 8 } });
    coordinator.sweep();
    coordinator.deregisterWorker(worker);
    await deliveriesUntil(server, (log) => log.filter((d) => d.state === 'delivered').length === 3);
    const byEvent = Object.fromEntries(receiver.received.map((r) => [r.body.event, r.body]));
    expect(byEvent['sweep-done']).toMatchObject({ data: { project: 'default', jobs: 2, failed: 0 } });
    expect(byEvent['worker-offline']).toMatchObject({ data: { worker: 'box' } });
    expect(byEvent.unrunnable).toMatchObject({ data: { queued: 1, shapes: 1 } });
  });

  it('refuses a rule with a bad webhook, format or telegram URL without a chat, naming the field', async () => {
    const { server } = await setup();
    for (const rule of [
      { on: 'failure', webhook: 'ftp://x' },
      { on: 'failure', webhook: 'http://x', format: 'pigeon' },
      { on: 'failure', webhook: 'https://api.telegram.org/botX/sendMessage', format: 'telegram' },
      { on: 'meltdown', webhook: 'http://x' },
    ]) {
      const response = await server.call('POST', '/api/v1/notifications/rules', server.tokens.admin, rule);
      expect(response.statusCode).toBe(400);
      expect(['webhook', 'format', 'on']).toContain(response.json().error.field);
    }
    expect((await server.call('GET', '/api/v1/notifications/rules', server.tokens.admin)).json()).toEqual([]);
  });
});
