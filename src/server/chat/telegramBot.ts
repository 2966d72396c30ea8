/**
 * The chat bot (issue 18), on the Telegram Bot API: long-polls getUpdates and answers with
 * sendMessage. A chat links with a one-time code (`/link CODE`, from `gantry chat link`); the bot
 * then answers that chat's /status, /jobs, /why ID and /cancel ID by calling this server's API with
 * the chat's own chat-scoped token, kept in the secret store. The base URL is configurable, so tests
 * (and self-hosted Bot API servers) point it elsewhere.
 */
import type { FastifyInstance } from 'fastify';
import type { Coordinator, SecretStore } from '../../core';
import { GantryError } from '../../shared';
import { answerCommand, HELP, parseCommand, type ChatApi } from './chatCommands';

export interface ChatBotOptions {
  /** The bot's token (from @BotFather). */
  token: string;
  /** Default https://api.telegram.org. */
  apiBase?: string;
  /** Seconds each getUpdates long-poll waits; default 25. */
  pollTimeoutS?: number;
  /** First wait after a failed poll, doubling to a minute. Default 1 s. */
  retryBaseMs?: number;
  fetch?: typeof fetch;
}

interface Update {
  update_id: number;
  message?: { chat: { id: number | string }; from?: { username?: string; first_name?: string }; text?: string };
}

const secretKey = (chatId: string): string => `chat-token:${chatId}`;

export function startChatBot(app: FastifyInstance, coordinator: Coordinator, secrets: SecretStore, options: ChatBotOptions): () => void {
  const base = `${(options.apiBase ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.token}`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const stop = new AbortController();

  const call = async (method: string, body: unknown, timeoutMs: number): Promise<unknown> => {
    const response = await doFetch(`${base}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]),
    });
    const json = (await response.json()) as { ok?: boolean; result?: unknown; description?: string };
    // The bot token is in the URL: never in an error message.
    if (!response.ok || json.ok !== true) throw new Error(`Bot API ${method}: ${json.description ?? `HTTP ${response.status}`}`);
    return json.result;
  };

  const reply = (chatId: string, text: string) => call('sendMessage', { chat_id: chatId, text }, 15_000);

  const apiAs = (token: string): ChatApi => async (method, url) => {
    const answer = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
    return { status: answer.statusCode, json: answer.body ? (JSON.parse(answer.body) as unknown) : null };
  };

  const link = (chatId: string, user: string, code: string | undefined): string => {
    if (!code) return 'Send /link CODE with a code from `gantry chat link`.';
    try {
      secrets.set(secretKey(chatId), coordinator.operations.chat.redeem(code, chatId, user));
      return `Linked. ${HELP.replace(/\n/g, '; ')}`;
    } catch (error) {
      if (error instanceof GantryError) return error.message.replace(/^code: /, '');
      throw error;
    }
  };

  const handle = async (update: Update): Promise<void> => {
    const message = update.message;
    if (!message?.text) return;
    const chatId = String(message.chat.id);
    const command = parseCommand(message.text);
    if (!command) return;
    if (command.name === 'link' || command.name === 'start') {
      await reply(chatId, link(chatId, message.from?.username ?? message.from?.first_name ?? chatId, command.arg));
      return;
    }
    const token = secrets.get(secretKey(chatId));
    if (!token) {
      await reply(chatId, 'This chat is not linked to Gantry: run `gantry chat link` and send /link CODE here.');
      return;
    }
    const api = apiAs(token);
    const text = await answerCommand(async (method, url) => {
      const answer = await api(method, url);
      // Unlinked (its token revoked) since: forget the token.
      if (answer.status === 401) secrets.delete(secretKey(chatId));
      return answer;
    }, command.name, command.arg);
    await reply(chatId, text);
  };

  const pollTimeoutS = options.pollTimeoutS ?? 25;
  const run = async (): Promise<void> => {
    let offset = 0;
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        const updates = (await call('getUpdates', { offset, timeout: pollTimeoutS, allowed_updates: ['message'] }, (pollTimeoutS + 10) * 1000)) as Update[];
        failures = 0;
        for (const update of updates) {
          offset = update.update_id + 1;
          await handle(update).catch((error: unknown) => app.log.warn({ error: String(error), update_id: update.update_id }, 'chat bot: could not answer'));
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        failures++;
        app.log.warn({ error: String(error) }, 'chat bot: getUpdates failed; retrying');
        const delay = Math.min(60_000, (options.retryBaseMs ?? 1000) * 2 ** (failures - 1));
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, delay);
          stop.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(undefined); }, { once: true });
        });
      }
    }
  };
  void run();
  return () => stop.abort();
}
