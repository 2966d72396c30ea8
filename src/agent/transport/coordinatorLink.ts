import { GantryClient, isAgentChannelRoute, REPLY_SCHEMAS, type CallInput, type CallOutput, type AgentChannelRoute, type ClientOptions, type RegisteredWorker, type RouteName } from '../../shared';
import { ChannelClosedError, type AgentChannel } from './agentChannel';
import { ChannelKeeper } from './channelKeeper';
import { createHttpFetch, type HttpFetchOptions } from './httpFetch';
import { checkCompiled } from './compiledSchemaCheck';

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
  /** Told when the agent channel opens or closes, for the agent's log. */
  onChannelChange?: (open: boolean, detail: string) => void;
  /**
   * The channel closed while a call that claims was in flight: the coordinator may have claimed
   * jobs whose reply never came, and heartbeats would renew their leases forever. The agent
   * registers again with the attempts it runs, so the coordinator hands the others back to the queue.
   */
  onClaimReplyLost?: () => void;
}

/** The default per-call timeout, as GantryClient's. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client whose per-job calls (claims, finishes, logs, metrics) go over the agent channel while
 * it is open, and over HTTP otherwise; the replies and errors are the same either way.
 */
class ChannelledClient extends GantryClient {
  constructor(
    options: ClientOptions,
    private readonly channel: () => AgentChannel | null,
    private readonly onClaimReplyLost: () => void,
  ) {
    super(options);
  }

  override call<N extends RouteName>(name: N, input?: CallInput<N>, timeoutMs?: number): Promise<CallOutput<N>> {
    const channel = this.channel();
    const sent = channel && sentOverChannel(name) ? channel.call(name, input ?? {}, timeoutMs ?? DEFAULT_TIMEOUT_MS) : null;
    if (!sent) return super.call(name, input, timeoutMs);
    return sent.then(
      (reply) => reply as CallOutput<N>,
      (error: unknown) => {
        if (error instanceof ChannelClosedError && claims(name, input)) this.onClaimReplyLost();
        throw error;
      },
    );
  }
}

/**
 * The calls the agent sends over its channel: every route the channel carries, heartbeats included.
 * A beat queued while the coordinator is stopped (SIGSTOP, a laptop asleep) is read after the
 * coordinator's first sweep on waking, over the channel as over HTTP; the sweep's pause extension
 * counts that whole interval, so the lease it renews is still there (src/core/maintenance/sweeper.ts).
 */
function sentOverChannel(name: RouteName): name is AgentChannelRoute {
  return isAgentChannelRoute(name);
}

/** Whether a call may take jobs: a claim, or results sent with a claim (finish-and-claim). */
function claims(name: RouteName, input: unknown): boolean {
  return name === 'claim' || (name === 'finishJobs' && (input as { body?: { claim?: unknown } } | undefined)?.body?.claim !== undefined);
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
  /** The agent channel, while the coordinator offers it (issue 19): one WebSocket instead of a request per call. */
  private readonly channels: ChannelKeeper;

  constructor(private readonly options: CoordinatorLinkOptions) {
    const fetchImpl = createHttpFetch({ ca: options.ca });
    this.channels = new ChannelKeeper({ stopSignal: options.stopSignal, ca: options.ca, onChange: options.onChannelChange });
    const channel = () => this.channels.current;
    const claimLost = () => options.onClaimReplyLost?.();
    this.client = new ChannelledClient({ baseUrl: options.url, token: options.token, fetch: fetchImpl }, channel, claimLost);
    // The agent's stop closes the channel, which ends a long-poll waiting on it as the abort ends an HTTP one.
    this.longPollClient = new ChannelledClient({ baseUrl: options.url, token: options.token, fetch: abortable(fetchImpl, options.stopSignal) }, channel, claimLost);
  }

  /** Calls a route and checks the reply against its schema; a mismatch is a CoordinatorReplyError. */
  async checked<N extends CheckedRoute>(name: N, input: CallInput<N>, timeoutMs?: number): Promise<CallOutput<N>> {
    const client = name === 'claim' ? this.longPollClient : this.client;
    const reply: unknown = await client.call(name, input, timeoutMs);
    const issue = checkCompiled(REPLY_SCHEMAS[name], reply);
    if (issue) throw new CoordinatorReplyError(name, `${issue.path || '(root)'}: ${issue.message}`, reply);
    if (name === 'registerWorker') this.channelOffered(reply as RegisteredWorker);
    return reply as CallOutput<N>;
  }

  /** A register reply names the channel when the coordinator offers one; one from before the channel names none. */
  private channelOffered(registered: RegisteredWorker): void {
    if (registered.channel) this.channels.offer(this.options.url, registered.channel, registered.credential);
    else this.channels.withdraw();
  }

  async deregister(workerId: string): Promise<void> {
    await this.client.call('deregisterWorker', { params: { id: workerId } });
  }
}
