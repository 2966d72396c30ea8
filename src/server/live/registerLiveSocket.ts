import type { FastifyInstance } from 'fastify';
import { GantryError } from '../../shared';
import type { Authenticate, ResolveToken } from '../auth/authenticate';
import { bearerToken } from '../auth/authenticate';
import { checkScope } from '../auth/authorize';
import type { BrowserChecks } from '../browser/browserGuard';
import type { LiveHub } from './liveHub';

export const LIVE_SOCKET_PATH = '/api/v1/ws';

/** Browsers cannot set headers on a WebSocket, so the token may come as `?token=`. */
export function socketToken(query: unknown, authorization: string | undefined): string | undefined {
  const token = (query as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.length > 0 ? token : bearerToken(authorization);
}

/** The one WebSocket: read or admin tokens only; the upgrade is refused with 401/403 before it happens. */
export function registerLiveSocket(app: FastifyInstance, hub: LiveHub, authenticate: Authenticate, browser: BrowserChecks, resolveToken: ResolveToken): void {
  app.route({
    method: 'GET',
    url: LIVE_SOCKET_PATH,
    websocket: true,
    onRequest: async (request) => {
      // Browsers let any page open a WebSocket anywhere; only the console's own origin may.
      browser.host(request);
      browser.origin(request);
      const token = socketToken(request.query, request.headers.authorization);
      const principal = authenticate(
        { token, address: request.ip, target: `GET ${LIVE_SOCKET_PATH}` },
        request.log,
      );
      checkScope({ scopes: ['read'] }, principal);
      // The socket streams every project's events; a token limited to one project reads through the REST routes.
      if (principal.project !== null) throw new GantryError('forbidden', `the live socket carries every project's events; this token reaches project ${principal.project} only`);
    },
    // The token is checked again while the socket is open, so revoking it closes the socket.
    handler: (socket, request) => {
      const token = socketToken(request.query, request.headers.authorization) ?? '';
      hub.attach(socket, request.log, () => {
        const principal = resolveToken(token);
        return principal !== null && (principal.scope === 'admin' || principal.scope === 'read');
      });
    },
  });
}
