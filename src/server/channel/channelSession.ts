import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CHANNEL_CREDENTIAL_REVOKED, GantryError, isAgentChannelRoute, ROUTES, type AgentChannelCall, type AgentChannelRoute, type RouteName } from '../../shared';
import { checkScope } from '../auth/authorize';
import type { CredentialStanding } from '../auth/credentialStanding';
import type { Principal } from '../auth/principal';
import { toErrorReply } from '../errors/errorReply';
import { answerCall, channelHandlers, type ServerDeps } from '../routes';
import { JsonText } from '../routes/jsonText';

type LooseCallerHandler = (input: unknown, deps: ServerDeps) => unknown;

/** Told of each answered call: its route's path and the status it carries. */
export type ObserveCall = (route: string, status: number) => void;

/** A message that is not a call: the id it named (0 when none), and why. */
class MalformedCall extends GantryError {
  constructor(
    readonly id: number,
    message: string,
    field: string,
  ) {
    super('invalid_request', message, field);
  }
}

/** A call refused because the channel's credential no longer stands; the channel closes after its reply. */
class CredentialRevoked extends GantryError {
  constructor() {
    super('unauthorized', 'worker credential revoked or no longer valid');
  }
}

function readCall(data: RawData): AgentChannelCall {
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    throw new MalformedCall(0, 'a channel message is one JSON object: {"id", "call", "params", "query", "body"}', 'message');
  }
  const { id, call } = (message ?? {}) as { id?: unknown; call?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw new MalformedCall(0, 'a channel call needs `id`, a positive integer its reply carries back', 'id');
  if (typeof call !== 'string' || !isAgentChannelRoute(call)) {
    throw new MalformedCall(id, `\`call\` must name a route the channel carries (claim, heartbeat, finishJobs, finishJob, appendLog, recordMetrics); others go over HTTP`, 'call');
  }
  return message as AgentChannelCall;
}

/**
 * One agent's open channel: each message is a call, answered through the same `answerCall` as its
 * HTTP route (zod, the worker's access to what it touches, the handler, the one error shape), as
 * `{id, status, body}`. The credential was checked at the upgrade; a call after it stopped standing
 * in this process (a token revoked, the worker's credential replaced) is refused with 401 and closes
 * the channel, and the registry closes idle channels whose credential fell too. Calls run as they
 * arrive, each independently, as requests do, so finishes from several agents read in one turn
 * still meet in one group commit.
 */
export class ChannelSession {
  /** Aborts when the socket closes: a parked claim stops waiting, as when an HTTP caller hangs up. */
  private readonly closed = new AbortController();
  /** A parked claim asks again after each wait (CallerInput.credentialStands). */
  private readonly credentialStands = (): boolean => this.credential.stands();

  constructor(
    private readonly socket: WebSocket,
    readonly principal: Principal,
    /** Asked before each call: a revocation in this process is seen by the very next one. */
    private readonly credential: CredentialStanding,
    private readonly deps: ServerDeps,
    private readonly observe: ObserveCall,
    private readonly log: FastifyBaseLogger,
    private readonly checkAnswer?: (name: RouteName, answer: unknown) => string | null,
  ) {
    socket.on('message', (data) => void this.answer(data));
    socket.on('close', () => this.closed.abort());
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private async answer(data: RawData): Promise<void> {
    let id = 0;
    let status = 200;
    let text: string;
    let route = 'unmatched';
    let revoked = false;
    try {
      const call = readCall(data);
      id = call.id;
      route = ROUTES[call.call].path;
      text = await this.run(call, byteLength(data));
    } catch (error) {
      if (error instanceof MalformedCall) id = error.id;
      revoked = error instanceof CredentialRevoked;
      const reply = toErrorReply(error);
      status = reply.status;
      text = JSON.stringify(reply.body);
      if (status >= 500) this.log.error({ err: error, route }, 'channel call failed');
    }
    this.observe(route, status);
    // A reply to a socket that closed meanwhile is lost as an HTTP reply to a hung-up caller is; the agent retries its deliveries.
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(`{"id":${id},"status":${status},"body":${text}}`);
    if (revoked) this.close(CHANNEL_CREDENTIAL_REVOKED, 'worker credential revoked or no longer valid');
  }

  private async run(call: AgentChannelCall, bytes: number): Promise<string> {
    const name: AgentChannelRoute = call.call;
    const route = ROUTES[name];
    const limit = route.bodyLimit;
    if (limit !== undefined && bytes > limit) {
      throw new GantryError('payload_too_large', `${route.method} ${route.path} takes bodies of at most ${limit} bytes; this call is ${bytes}`, 'body');
    }
    if (!this.credential.stands()) throw new CredentialRevoked();
    const { principal, deps } = this;
    checkScope(route, principal);
    const handler = channelHandlers[name] as LooseCallerHandler;
    const hangup = this.closed.signal;
    const result = await answerCall(name, { params: call.params ?? {}, query: call.query, body: call.body }, principal, deps, (parsed) =>
      handler({ ...parsed, principal, hangup, credentialStands: this.credentialStands }, deps),
    );
    const text = result instanceof JsonText ? result.text : JSON.stringify(result);
    const mismatch = this.checkAnswer?.(name, JSON.parse(text)) ?? null;
    if (mismatch !== null) throw new GantryError('internal', mismatch);
    return text;
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
