import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpFetchOptions {
  /** PEM certificates trusted for https:// besides the system's (a coordinator with its own CA or a self-signed certificate). */
  ca?: string | Buffer;
}

/**
 * The part of a fetch Response the client reads (status, headers, the whole body as text or JSON),
 * over a body already received. Not undici's Response: building one loads undici into the agent,
 * about 10 MB of its resident set, and every fork the agent makes copies that.
 */
function bufferedResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): Response {
  const text = async (): Promise<string> => body.toString('utf8');
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  const response = {
    status,
    ok: status >= 200 && status < 300,
    headers: { get: header, has: (name: string) => header(name) !== null },
    text,
    json: async (): Promise<unknown> => JSON.parse(await text()),
  };
  return response as unknown as Response;
}

// Node defines Request, Headers and fetch as globals that load undici on first touch (about 9 MB of
// resident set): even `x instanceof Request` does. These two tell the shapes apart without touching them.

function requestUrl(input: Parameters<typeof fetch>[0]): URL {
  if (typeof input === 'string' || input instanceof URL) return new URL(input);
  return new URL(input.url);
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  if (typeof (headers as Headers).entries === 'function') return Object.fromEntries((headers as Headers).entries());
  return headers as Record<string, string>;
}

/**
 * `fetch` over node:http(s) with keep-alive sockets. The agent makes two small requests per job
 * (claim and finish); undici's fetch costs several times more CPU per request than node:http,
 * and that CPU is taken from the jobs the host runs.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  // A CA file adds to Node's bundled roots instead of replacing them, so a coordinator behind a public certificate still works.
  const ca = options.ca === undefined ? undefined : [...rootCertificates, options.ca.toString()];
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ca });
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = requestUrl(input);
      const secure = url.protocol === 'https:';
      const headers = plainHeaders(init.headers);
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: init.method ?? 'GET',
          headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
          agent: secure ? httpsAgent : httpAgent,
          signal: init.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(bufferedResponse(res.statusCode ?? 500, res.headers, Buffer.concat(chunks))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
