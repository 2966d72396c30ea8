import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GantryError } from '../../shared';

export interface BrowserGuardOptions {
  /** Host names besides loopback and IP literals that requests may be addressed to (`--allowed-host`). */
  allowedHosts?: string[];
  /** Origins besides the server's own whose pages may change state or open the WebSocket (the desktop app's dev server). */
  allowedOrigins?: string[];
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `example.com:7878` → `example.com`; `[::1]:7878` → `::1`. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1];
  return host.replace(/:\d+$/, '').toLowerCase();
}

/**
 * DNS rebinding needs a host *name* that an attacker's DNS points at us, so IP literals and
 * loopback names are always fine; any other name must be configured.
 */
export function isAllowedHost(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return true;
  const name = hostName(host);
  return isIP(name) !== 0 || name === 'localhost' || allowed.has(name);
}

/** Same origin as the address the request was sent to, or one configured; a missing Origin is a non-browser client. */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && host !== undefined && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Each throws 403 for a request the browser-origin defence refuses. */
export interface BrowserChecks {
  host(request: FastifyRequest): void;
  origin(request: FastifyRequest): void;
}

/**
 * Refuses requests addressed to a foreign Host (403) and state-changing requests from a foreign
 * Origin; every response forbids framing. Returns the checks for the WebSocket route to apply.
 */
export function registerBrowserGuard(app: FastifyInstance, options: BrowserGuardOptions): BrowserChecks {
  const hosts = new Set((options.allowedHosts ?? []).map((h) => hostName(h)));
  const origins = new Set(options.allowedOrigins ?? []);
  const checks: BrowserChecks = {
    host(request) {
      const { host } = request.headers;
      if (!isAllowedHost(host, hosts)) {
        throw new GantryError('forbidden', `requests addressed to host "${host}" are refused; start the server with --allowed-host ${hostName(host ?? '')} to allow that name`);
      }
    },
    origin(request) {
      const { host, origin } = request.headers;
      if (!isAllowedOrigin(origin, host, origins)) {
        throw new GantryError('forbidden', `requests from origin "${origin}" may not change state or open the live socket`);
      }
    },
  };
  app.addHook('onRequest', async (request: FastifyRequest) => {
    // The WebSocket route checks its upgrade itself: an error thrown here would leave the upgrade hanging.
    if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
    checks.host(request);
    if (STATE_CHANGING.has(request.method)) checks.origin(request);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'none'");
  });
  return checks;
}
