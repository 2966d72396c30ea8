import type { z } from 'zod';
import { GantryError } from './domainErrors';
import type { ErrorBody, ErrorCode } from './errors';
import { checkJsonSchema } from './jsonSchemaCheck';
import type { ROUTES, RouteDef, RouteName } from './routes';
import { ERROR_BODY_SCHEMA, ROUTE_ADDRESSES } from './wire.generated';

type Route<N extends RouteName> = (typeof ROUTES)[N];
type InputOf<T> = T extends z.ZodType ? z.input<T> : never;

/** What a call needs: path params, query and body, each only where the route declares it. */
export type CallInput<N extends RouteName> = (Route<N> extends { params: infer P } ? { params: InputOf<P> } : { params?: undefined }) &
  (Route<N> extends { query: infer Q } ? { query?: InputOf<Q> } : { query?: undefined }) &
  (Route<N> extends { body: infer B } ? { body: InputOf<B> } : { body?: undefined });

export type CallOutput<N extends RouteName> = Route<N>['response'] extends z.ZodType ? z.infer<Route<N>['response']> : never;

/** An API refusal, carrying the server's error code, HTTP status and offending field. */
export class ApiError extends GantryError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
    field?: string,
  ) {
    super(code, message, field);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  /** A secret, or a function read at each request (an agent swaps its enrolment token for its worker credential). */
  token?: string | (() => string | undefined);
  fetch?: typeof fetch;
  /** Per-request timeout; long-poll callers pass a larger one. */
  timeoutMs?: number;
}

export function routePath(def: Pick<RouteDef, 'path'>, params: Record<string, unknown> | undefined): string {
  const named = def.path.replace(/:(\w+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`missing path parameter ${key} for ${def.path}`);
    return encodeURIComponent(String(value));
  });
  if (!named.endsWith('/*')) return named;
  // A trailing wildcard takes a path: each part is encoded, the slashes between them kept.
  const rest = params?.['*'];
  if (rest === undefined) throw new Error(`missing path parameter * for ${def.path}`);
  return `${named.slice(0, -1)}${String(rest).split('/').map(encodeURIComponent).join('/')}`;
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A typed client over the route table; the same code serves the CLI, the agent and the renderer.
 * It reads routes from wire.generated.ts, not from the zod table, so the agent's bundle loads no zod.
 */
export class GantryClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get token(): string | undefined {
    const { token } = this.options;
    return typeof token === 'function' ? token() : token;
  }

  url(name: RouteName, input: { params?: unknown; query?: unknown } = {}): string {
    const def = ROUTE_ADDRESSES[name];
    return `${this.baseUrl}${routePath(def, input.params as Record<string, unknown>)}${queryString(input.query as Record<string, unknown>)}`;
  }

  /** `bytes`: a raw body (a browser's File or Blob) for the streamed routes, sent as application/octet-stream instead of JSON. */
  async request(name: RouteName, input: { params?: unknown; query?: unknown; body?: unknown; bytes?: Blob } = {}, timeoutMs?: number): Promise<Response> {
    const def = ROUTE_ADDRESSES[name];
    const headers: Record<string, string> = {};
    const token = this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    if (input.bytes !== undefined) headers['content-type'] = 'application/octet-stream';
    const signal = AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 30_000);
    const response = await this.fetchImpl(this.url(name, input), {
      method: def.method,
      headers,
      body: input.bytes ?? (input.body === undefined ? undefined : JSON.stringify(input.body)),
      signal,
    });
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  async call<N extends RouteName>(name: N, input?: CallInput<N>, timeoutMs?: number): Promise<CallOutput<N>> {
    const response = await this.request(name, input ?? {}, timeoutMs);
    return (await response.json()) as CallOutput<N>;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): a generic error with the status.
  }
  return apiErrorOf(response.status, body, text);
}

/** The refusal a reply with this status and body stands for; `text` (the body as received) names it when it is not the error shape. */
export function apiErrorOf(status: number, body: unknown, text = JSON.stringify(body) ?? ''): ApiError {
  if (checkJsonSchema(ERROR_BODY_SCHEMA, body) === null) {
    const { code, message, field } = (body as ErrorBody).error;
    return new ApiError(code, message, status, field);
  }
  return new ApiError(status >= 500 ? 'internal' : 'invalid_request', `HTTP ${status}: ${text.slice(0, 200)}`, status);
}
