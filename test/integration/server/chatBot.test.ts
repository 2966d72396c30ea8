import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { createTestServer, type TestServer } from './testServer';

const BOT_TOKEN = '123456:stand-in';

/** A Telegram Bot API stand-in on loopback: getUpdates long-polls the updates a test sends; sendMessage is recorded. */
class BotApiStandIn {
  readonly sent: Array<{ chat_id: string; text: string }> = [];
  private readonly queue: unknown[] = [];
  private nextUpdateId = 1;
  private waiting: Array<() => void> = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A user in `chat` types `text`. */
  say(chat: number, text: string): void {
    this.queue.push({ update_id: this.nextUpdateId++, message: { message_id: this.nextUpdateId, chat: { id: chat, type: 'private' }, from: { id: chat, username: `user${chat}` }, text } });
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** The next message the bot sends to `chat` after `after` messages were sent to it. */
  async replyTo(chat: number, after: number): Promise<string> {
    await waitFor(() => this.sent.filter((m) => m.chat_id === String(chat)).length > after, `the bot's reply to chat ${chat}`, 30_000);
    return this.sent.filter((m) => m.chat_id === String(chat))[after].text;
  }

  async close(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = JSON.parse(raw || '{}') as { offset?: number; timeout?: number; chat_id?: string; text?: string };
    const answer = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    if (req.url === `/bot${BOT_TOKEN}/sendMessage`) {
      this.sent.push({ chat_id: String(body.chat_id), text: String(body.text) });
      answer({ message_id: 1 });
    } else if (req.url === `/bot${BOT_TOKEN}/getUpdates`) {
      // Telegram drops updates below the offset: they were confirmed.
      const pending = () => this.queue.filter((u) => (u as { update_id: number }).update_id >= (body.offset ?? 0));
      if (pending().length === 0) await new Promise<void>((resolve) => { this.waiting.push(resolve); setTimeout(resolve, (body.timeout ?? 0) * 1000); });
      answer(pending());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, description: 'Not Found' }));
    }
  }
}

let server: TestServer | undefined;
let bot: BotApiStandIn | undefined;
afterEach(async () => {
  await server?.close();
  await bot?.close();
  server = undefined;
  bot = undefined;
});

describe('the chat bot against a Bot API stand-in', () => {
  it('links a chat with a one-time code, then answers /status, /jobs, /why and /cancel with the chat-scoped token', async () => {
    bot = new BotApiStandIn();
    await bot.start();
    server = await createTestServer({ chatBot: { token: BOT_TOKEN, apiBase: bot.url, pollTimeoutS: 1, retryBaseMs: 50 } });
    const { coordinator } = server;
    const job = coordinator.submit({ command: ['train'], name: 'train', requirements: { gpus: 4 } });

    bot.say(42, '/status');
    expect(await bot.replyTo(42, 0)).toMatch(/not linked/);

    const code = await server.call('POST', '/api/v1/chat/link-codes', server.tokens.admin);
    expect(code.statusCode).toBe(200);
    bot.say(42, '/link WRONGCODE');
    expect(await bot.replyTo(42, 1)).toMatch(/unknown or expired link code/);
    bot.say(42, `/link ${(code.json() as { code: string }).code}`);
    expect(await bot.replyTo(42, 2)).toMatch(/^Linked/);
    const links = await server.call('GET', '/api/v1/chat/links', server.tokens.admin);
    expect(links.json()).toMatchObject([{ chat_id: '42', user: 'user42' }]);
    expect(coordinator.listTokens().find((t) => t.name === 'chat 42')).toMatchObject({ scope: 'chat', revoked_at: null });

    bot.say(42, '/status');
    expect(await bot.replyTo(42, 3)).toBe('Jobs: 1 queued\nWorkers: none');
    bot.say(42, '/jobs');
    expect(await bot.replyTo(42, 4)).toBe(`#${job.id} queued train (default)`);
    bot.say(42, `/why ${job.id}`);
    expect(await bot.replyTo(42, 5)).toMatch(new RegExp(`^#${job.id}: no worker is online`));
    bot.say(42, `/cancel@gantry_bot ${job.id}`);
    expect(await bot.replyTo(42, 6)).toBe(`#${job.id} is cancelled`);
    expect(coordinator.getJob(job.id).state).toBe('cancelled');

    // Another chat that never linked gets nothing from the coordinator.
    bot.say(7, `/cancel ${job.id}`);
    expect(await bot.replyTo(7, 0)).toMatch(/not linked/);

    // Unlinking revokes the chat's token: the bot stops answering for it.
    expect((await server.call('DELETE', '/api/v1/chat/links/42', server.tokens.admin)).statusCode).toBe(200);
    bot.say(42, '/jobs');
    expect(await bot.replyTo(42, 7)).toMatch(/unauthorized|revoked|token/i);
  });

  it('refuses the chat scope everything a linked chat should not do', async () => {
    server = await createTestServer();
    const chat = server.coordinator.createToken({ name: 'chat 1', scope: 'chat' }).token;
    expect((await server.call('GET', '/api/v1/jobs', chat)).statusCode).toBe(200);
    expect((await server.call('POST', '/api/v1/jobs', chat, { command: ['x'] })).statusCode).toBe(403);
    expect((await server.call('POST', '/api/v1/chat/link-codes', chat)).statusCode).toBe(403);
    expect((await server.call('GET', '/api/v1/tokens', chat)).statusCode).toBe(403);
  });
});
