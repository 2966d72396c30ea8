import { checkJsonSchema, GantryClient, REPLY_SCHEMAS, type CallInput, type CallOutput, type RouteName } from '../../shared';
import { createHttpFetch, type HttpFetchOptions } from './httpFetch';

/**
 * The coordinator's replies the agent acts on; each is checked before use against the JSON Schema
 * generated from the route table's zod schema (zod itself would cost the agent tens of MB).
 */
type CheckedRoute = 'registerWorker' | 'heartbeat' | 'claim';

/** A reply that does not match the protocol (a different version, a proxy's page, a tampered answer). */
export class CoordinatorReplyError extends Error {
  constructor(
    route: RouteName,
    detail: string,
    /** The reply as received, for what can still be read from it. */
    readonly reply: unknown,
  ) {
    super(`the coordinator's reply to ${route} does not match the protocol: ${detail}`);
    this.name = 'CoordinatorReplyError';
  }
}

export interface CoordinatorLinkOptions extends HttpFetchOptions {
  url: string;
  /** Read at each request: the enrolment token until registering returns the worker credential. */
  token: string | (() => string);
  /** Aborts a pending long-poll when the agent stops, so the claim does not hold the stop up. */
  stopSignal: AbortSignal;
}

/** The client's fetch, cut short when the agent stops. */
function abortable(fetchImpl: typeof fetch, stopSignal: AbortSignal): typeof fetch {
  return (input, init) => {
    const controller = new AbortController();
    // Node 18 hosts lack AbortSignal.any, so the two signals are joined by hand.
    const abort = (): void => controller.abort();
    if (stopSignal.aborted || init?.signal?.aborted) abort();
    stopSignal.addEventListener('abort', abort, { once: true });
    init?.signal?.addEventListener('abort', abort, { once: true });
    return fetchImpl(input, { ...init, signal: controller.signal }).finally(() => stopSignal.removeEventListener('abort', abort));
  };
}

/**
 * How the agent talks to its coordinator: one keep-alive client for short calls and deliveries,
 * one whose long-polls the agent's stop cuts short, and replies validated where the agent acts on them.
 */
export class CoordinatorLink {
  /** For deliveries (logs, metrics, results), whose replies the agent does not act on. */
  readonly client: GantryClient;
  private readonly longPollClient: GantryClient;

  constructor(options: CoordinatorLinkOptions) {
    const fetchImpl = createHttpFetch({ ca: options.ca });
    this.client = new GantryClient({ baseUrl: options.url, token: options.token, fetch: fetchImpl });
    this.longPollClient = new GantryClient({ baseUrl: options.url, token: options.token, fetch: abortable(fetchImpl, options.stopSignal) });
  }

  /** Calls a route and checks the reply against its schema; a mismatch is a CoordinatorReplyError. */
  async checked<N extends CheckedRoute>(name: N, input: CallInput<N>, timeoutMs?: number): Promise<CallOutput<N>> {
    const client = name === 'claim' ? this.longPollClient : this.client;
    const reply: unknown = await client.call(name, input, timeoutMs);
    const issue = checkJsonSchema(REPLY_SCHEMAS[name], reply);
    if (issue) throw new CoordinatorReplyError(name, `${issue.path || '(root)'}: ${issue.message}`, reply);
    return reply as CallOutput<N>;
  }

  async deregister(workerId: string): Promise<void> {
    await this.client.call('deregisterWorker', { params: { id: workerId } });
  }
}
