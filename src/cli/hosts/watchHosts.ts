import { HostEventData, WsServerMessage, type QueueEvent, type WsClientMessage } from '../../shared';
import { CliError, EXIT } from '../exitCodes';
import { unreachableMessage } from '../failure';
import { webSocketUrl } from '../logs/followLog';

export interface WatchHostsOptions {
  url: string;
  token: string;
  /** Called with each host.* event, in order, exactly once across reconnects. */
  onEvent: (event: QueueEvent) => void;
  /** Runs once the first subscription stands (print the table here: no change after it is missed); events wait for it. */
  onSubscribed: () => Promise<void>;
  notice: (message: string) => void;
  /** Give up (exit 4) after failing to reconnect for this long. */
  giveUpAfterMs?: number;
}

/** One line for a host.* event: its time, the host, and what happened. */
export function describeHostEvent(event: QueueEvent): string {
  const parsed = HostEventData.safeParse(event.data);
  const time = new Date(event.at).toISOString().slice(11, 19);
  if (!parsed.success) return `${time}  ${event.type}`;
  const { name, host, fingerprint, previous_version: previousVersion } = parsed.data;
  const what = (() => {
    switch (event.type) {
      case 'host.removed':
        return 'removed';
      case 'host.trusted':
        return `trusted ${fingerprint ?? ''}`.trim();
      case 'host.upgraded':
        return `upgraded ${previousVersion ?? '?'} -> ${host?.agent_version ?? '?'}`;
      case 'host.added':
      case 'host.updated':
        return `${event.type === 'host.added' ? 'added' : 'updated'} (${host?.state ?? '?'})`;
      default:
        return `${host?.state ?? '?'}${host?.error ? `  ${host.error}` : ''}`;
    }
  })();
  return `${time}  ${name}  ${what}`;
}

type Session = { progressed: boolean; reason: string };

/**
 * `gantry hosts ls --watch`: follows host.* events on the live WebSocket until interrupted. A
 * dropped socket is reopened with backoff and resumes after the last event seen (the server
 * replays what was missed), so no change is shown twice or lost.
 */
export async function watchHosts(options: WatchHostsOptions): Promise<never> {
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  // Loaded here: only the watch needs it.
  const { default: WebSocket } = await import('ws');
  let after = 0;
  let failingSince: number | null = null;
  let delayMs = 200;
  let ready: Promise<void> | null = null;
  // Events are shown in order, after the table.
  let shown: Promise<void> = Promise.resolve();
  const subscribed = () => (ready ??= options.onSubscribed());
  for (;;) {
    const session = await watchOnce(WebSocket, options, after, subscribed, (event) => {
      after = event.id;
      shown = shown.then(() => subscribed()).then(() => options.onEvent(event));
    });
    if (session.progressed) {
      failingSince = null;
      delayMs = 200;
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > giveUpAfterMs) throw new CliError(EXIT.unreachable, unreachableMessage(new Error(session.reason), options.url));
    options.notice(`event stream interrupted (${session.reason}); reconnecting`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 5_000);
  }
}

function watchOnce(
  WebSocket: typeof import('ws').default,
  options: WatchHostsOptions,
  after: number,
  subscribed: () => Promise<void>,
  onEvent: (event: QueueEvent) => void,
): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(webSocketUrl(options.url, options.token), { handshakeTimeout: 10_000 });
    let progressed = false;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      outcome();
    };
    const drop = (reason: string): void => settle(() => resolve({ progressed, reason }));
    socket.on('open', () => {
      progressed = true;
      const subscribe: WsClientMessage = { type: 'subscribe', after };
      const ping: WsClientMessage = { type: 'ping' };
      // The pong to this ping comes once the subscription stands.
      socket.send(JSON.stringify(subscribe));
      socket.send(JSON.stringify(ping));
    });
    socket.on('message', (raw) => {
      const parsed = WsServerMessage.safeParse(parseJson(raw.toString()));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'error' && message.code !== 'resync') return settle(() => reject(new CliError(EXIT.apiRefused, `${message.message} (${message.code})`)));
      if (message.type === 'pong') subscribed().catch((error: unknown) => settle(() => reject(error)));
      if (message.type === 'event' && message.event.type.startsWith('host.')) onEvent(message.event);
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      if (status === 401 || status === 403) settle(() => reject(new CliError(EXIT.apiRefused, `the event stream was refused (HTTP ${status})`)));
      else drop(`HTTP ${status}`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => drop(error.code ?? error.message));
    socket.on('close', (code) => drop(`closed with code ${code}`));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
