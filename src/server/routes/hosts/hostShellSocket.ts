import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { HostService, RemoteShell } from '../../../provision';
import { HOST_SHELL_PATH, HostName, HostShellClientMessage, HostShellQuery, parseOrThrow, type HostShellServerMessage } from '../../../shared';
import type { Authenticate, ResolveToken } from '../../auth/authenticate';
import { checkScope } from '../../auth/authorize';
import type { BrowserChecks } from '../../browser/browserGuard';
import { toErrorReply } from '../../errors/errorReply';
import { TOKEN_REVOKED_CLOSE } from '../../live/liveHub';
import { socketToken } from '../../live/registerLiveSocket';

/** How often an open shell's token is checked again: revoking it ends the shell within this. */
const REVALIDATE_MS = 500;
/** Output buffered for a client that stops reading; past it the shell is cut rather than buffered without bound. */
const MAX_BUFFERED = 8 * 1024 * 1024;

function sendText(socket: WebSocket, message: HostShellServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Keystrokes that arrive while SSH is still connecting wait here, so nothing typed early is lost. */
class PendingInput {
  private queued: Array<{ data: RawData; binary: boolean }> | null = [];
  private shell: RemoteShell | null = null;

  push(data: RawData, binary: boolean): void {
    if (this.queued) this.queued.push({ data, binary });
    else if (this.shell) forward(this.shell, data, binary);
  }

  attach(shell: RemoteShell): void {
    this.shell = shell;
    for (const { data, binary } of this.queued ?? []) forward(shell, data, binary);
    this.queued = null;
  }
}

function forward(shell: RemoteShell, data: RawData, binary: boolean): void {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (binary) return shell.write(bytes);
  let message: unknown;
  try {
    message = JSON.parse(bytes.toString());
  } catch {
    return; // Not a message this protocol has: ignored like any unknown one.
  }
  const parsed = HostShellClientMessage.safeParse(message);
  if (parsed.success) shell.resize(parsed.data);
}

/** Wires one socket to one shell: output out, keystrokes and resizes in; either side closing ends both. */
function bridge(socket: WebSocket, shell: RemoteShell, input: PendingInput, stillValid: () => boolean): void {
  const revalidate = setInterval(() => {
    if (!stillValid()) socket.close(TOKEN_REVOKED_CLOSE, 'token revoked or expired');
  }, REVALIDATE_MS);
  revalidate.unref();
  shell.onData((data) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED) return void socket.close(1013, 'client too slow');
    socket.send(data, { binary: true });
  });
  shell.onExit((code, signal) => {
    clearInterval(revalidate);
    sendText(socket, { type: 'exit', code, signal });
    socket.close(1000, 'shell ended');
  });
  socket.on('close', () => {
    clearInterval(revalidate);
    shell.close();
  });
  input.attach(shell);
}

/**
 * `GET /api/v1/hosts/:name/shell` as a WebSocket: an interactive shell on the host, for admin
 * tokens only (a shell there can do anything the SSH user can). Refused with 401/403/404 before
 * the upgrade. Binary frames carry the terminal's bytes both ways; text frames carry a resize from
 * the client and the exit status (or the reason it could not open) from the server.
 */
export function registerHostShellSocket(app: FastifyInstance, hosts: HostService, authenticate: Authenticate, browser: BrowserChecks, resolveToken: ResolveToken): void {
  app.route({
    method: 'GET',
    url: HOST_SHELL_PATH,
    websocket: true,
    onRequest: async (request) => {
      browser.host(request);
      browser.origin(request);
      const token = socketToken(request.query, request.headers.authorization);
      const principal = authenticate({ token, address: request.ip, target: `GET ${HOST_SHELL_PATH}` }, request.log);
      checkScope({ scopes: [] }, principal);
      hosts.get(parseOrThrow(HostName, (request.params as { name?: unknown }).name));
    },
    handler: (socket, request) => {
      const token = socketToken(request.query, request.headers.authorization) ?? '';
      const stillValid = (): boolean => resolveToken(token)?.scope === 'admin';
      const name = (request.params as { name: string }).name;
      const input = new PendingInput();
      let closed = false;
      socket.on('message', (data, binary) => input.push(data, binary));
      socket.on('close', () => (closed = true));
      void (async () => {
        try {
          const shell = await hosts.shell(name, parseOrThrow(HostShellQuery, request.query));
          if (closed) return shell.close();
          bridge(socket, shell, input, stillValid);
        } catch (error) {
          const { body } = toErrorReply(error);
          sendText(socket, { type: 'error', code: body.error.code, message: body.error.message });
          socket.close(1011, 'no shell');
        }
      })();
    },
  });
}
