import { WsServerMessage, type WsClientMessage } from '../../shared';
import { CliError, EXIT } from '../exitCodes';
import { unreachableMessage } from '../failure';

export interface FollowTarget {
  url: string;
  token: string;
  jobId: number;
  attempt: number;
  offset: number;
}

export interface FollowOptions {
  write: (data: Uint8Array) => Promise<void>;
  /** Reconnect notices; they go to stderr so stdout stays the log's bytes. */
  notice: (message: string) => void;
  now?: () => number;
  /** Give up (exit 4) after failing to reconnect for this long. */
  giveUpAfterMs?: number;
}

type Session = { kind: 'ended'; size: number; offset: number } | { kind: 'dropped'; offset: number; progressed: boolean; reason: string };

/**
 * Follows an attempt's log over the WebSocket until the server says `log_end`.
 * After a dropped connection it reconnects with backoff and resumes from the byte it reached,
 * dropping any bytes the server sends twice, so stdout gets every byte exactly once.
 * Returns the final size the server announced and the offset written up to (the caller reads any gap over REST).
 */
export async function followLog(target: FollowTarget, options: FollowOptions): Promise<{ size: number; offset: number }> {
  const now = options.now ?? Date.now;
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  let offset = target.offset;
  let failingSince: number | null = null;
  let delayMs = 200;
  // Loaded here, not at the top: only `logs -f` needs it, and every other command starts faster without it.
  const { default: WebSocket } = await import('ws');
  for (;;) {
    const session = await followOnce(WebSocket, { ...target, offset }, options.write);
    if (session.kind === 'ended') return { size: session.size, offset: session.offset };
    offset = session.offset;
    if (session.progressed) {
      failingSince = null;
      delayMs = 200;
    }
    failingSince ??= now();
    if (now() - failingSince > giveUpAfterMs) throw new CliError(EXIT.unreachable, unreachableMessage(new Error(session.reason), target.url));
    options.notice(`log stream interrupted (${session.reason}); resuming at byte ${offset}`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 5_000);
  }
}

export function webSocketUrl(baseUrl: string, token: string): string {
  const url = new URL('/api/v1/ws', baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('token', token);
  return url.toString();
}

function followOnce(WebSocket: typeof import('ws').default, target: FollowTarget, write: (data: Uint8Array) => Promise<void>): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(webSocketUrl(target.url, target.token), { handshakeTimeout: 10_000 });
    let offset = target.offset;
    let progressed = false;
    let settled = false;
    // Writes run one after another in arrival order; the offset moves on receipt so duplicates are recognised at once.
    let writing: Promise<void> = Promise.resolve();
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      writing.then(outcome, reject);
    };
    const drop = (reason: string): void => settle(() => resolve({ kind: 'dropped', offset, progressed, reason }));

    socket.on('open', () => {
      const message: WsClientMessage = { type: 'follow_log', job_id: target.jobId, attempt: target.attempt, offset };
      socket.send(JSON.stringify(message));
    });
    socket.on('message', (raw) => {
      const parsed = WsServerMessage.safeParse(parseJson(raw.toString()));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'error') {
        return settle(() => reject(new CliError(EXIT.apiRefused, `${message.message} (${message.code})`)));
      }
      if ((message.type !== 'log' && message.type !== 'log_end') || message.job_id !== target.jobId || message.attempt !== target.attempt) return;
      if (message.type === 'log_end') {
        const end = offset;
        return settle(() => resolve({ kind: 'ended', size: message.size, offset: end }));
      }
      const data = Buffer.from(message.data_b64, 'base64');
      // A gap means the server skipped bytes we need; reconnecting asks again from our offset.
      if (message.offset > offset) return drop(`gap at byte ${offset}`);
      const fresh = data.subarray(offset - message.offset);
      if (fresh.length === 0) return;
      offset += fresh.length;
      progressed = true;
      writing = writing.then(() => write(fresh));
      writing.catch((error: unknown) => settle(() => reject(error)));
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      if (status === 401 || status === 403 || status === 404) {
        settle(() => reject(new CliError(EXIT.apiRefused, `the log stream was refused (HTTP ${status})`)));
      } else drop(`HTTP ${status}`);
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
