import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AGENT_CHANNEL_PATH, CHANNEL_CREDENTIAL_REVOKED, GantryError, ROUTES, type RouteName } from '../../shared';
import type { Authenticate, ResolveToken } from '../auth/authenticate';
import { bearerToken } from '../auth/authenticate';
import { CredentialStanding, tokenStillStands } from '../auth/credentialStanding';
import type { Principal } from '../auth/principal';
import type { BrowserChecks } from '../browser/browserGuard';
import type { ServerDeps } from '../routes';
import { responseMismatch } from '../routes/responseShape';
import { ChannelSession } from './channelSession';

/**
 * How often open channels' credentials are checked again. A revocation made by this server is seen
 * by the next call anyway (ChannelSession); the timer closes idle channels, and catches a revocation
 * another process wrote into the same database, within this.
 */
const REVALIDATE_MS = 500;

export interface AgentChannelOptions {
  /** Check each answer against its route's response schema (tests), as `checkResponses` does for HTTP. */
  checkResponses?: boolean;
}

/**
 * Open agent channels, each with the credential it was opened with; a channel whose credential no
 * longer stands (its enrolment token revoked, its worker forgotten) is closed, at once when the
 * worker's state changes and otherwise within REVALIDATE_MS.
 */
class OpenChannels {
  private readonly open = new Map<ChannelSession, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolveToken: ResolveToken,
    subscribe: ServerDeps['coordinator']['subscribe'],
  ) {
    this.timer = setInterval(() => this.closeRevoked(), REVALIDATE_MS);
    this.timer.unref();
    const unsubscribe = subscribe((event) => {
      // Checked after the commit: the listener runs inside the coordinator's transaction.
      if (event.type.startsWith('worker.') && this.open.size > 0) setImmediate(() => this.closeRevoked());
    });
    this.stop = () => {
      clearInterval(this.timer);
      unsubscribe();
    };
  }

  readonly stop: () => void;

  add(session: ChannelSession, token: string): void {
    this.open.set(session, token);
  }

  delete(session: ChannelSession): void {
    this.open.delete(session);
  }

  closeAll(): void {
    this.stop();
    for (const session of this.open.keys()) session.close(1001, 'server closing');
    this.open.clear();
  }

  private closeRevoked(): void {
    for (const [session, token] of this.open) {
      if (tokenStillStands(this.resolveToken, token, session.principal)) continue;
      this.open.delete(session);
      session.close(CHANNEL_CREDENTIAL_REVOKED, 'worker credential revoked or no longer valid');
    }
  }
}

/**
 * `GET /api/v1/workers/:id/channel`, upgraded to a WebSocket: the agent channel (src/shared/agentChannel.ts).
 * The upgrade takes the worker credential of worker `:id` and nothing else (refused with 401/403
 * before it happens); calls then carry no token.
 */
export function registerAgentChannel(
  app: FastifyInstance,
  deps: ServerDeps,
  authenticate: Authenticate,
  browser: BrowserChecks,
  resolveToken: ResolveToken,
  options: AgentChannelOptions = {},
): void {
  const channels = new OpenChannels(resolveToken, (listener) => deps.coordinator.subscribe(listener));
  app.addHook('preClose', (done) => {
    channels.closeAll();
    done();
  });
  const principals = new WeakMap<FastifyRequest, { principal: Principal; checkedAt: number }>();
  const revision = (): number => deps.coordinator.credentialRevision();
  const checkAnswer = options.checkResponses ? (name: RouteName, answer: unknown) => responseMismatch(name, ROUTES[name], answer) : undefined;
  app.route({
    method: 'GET',
    url: AGENT_CHANNEL_PATH,
    websocket: true,
    onRequest: async (request) => {
      browser.origin(request);
      const checkedAt = revision();
      const principal = authenticate({ token: bearerToken(request.headers.authorization), address: request.ip, target: `GET ${AGENT_CHANNEL_PATH}` }, request.log);
      const id = (request.params as { id: string }).id;
      if (principal.scope !== 'worker' || principal.worker_id === null) {
        throw new GantryError('forbidden', 'the agent channel takes a worker credential (the one registering returned)');
      }
      if (principal.worker_id !== id) throw new GantryError('forbidden', `this worker credential acts for worker ${principal.worker_id} only`, 'id');
      principals.set(request, { principal, checkedAt });
    },
    handler: (socket, request) => {
      const upgrade = principals.get(request);
      if (!upgrade) return socket.close(1011, 'not authenticated');
      const { principal, checkedAt } = upgrade;
      const token = bearerToken(request.headers.authorization) ?? '';
      const credential = new CredentialStanding(revision, checkedAt, () => tokenStillStands(resolveToken, token, principal));
      const session = new ChannelSession(socket, principal, credential, deps, (route, status) => deps.metrics.observeChannelCall(route, status), request.log, checkAnswer);
      channels.add(session, token);
      socket.on('close', () => channels.delete(session));
    },
  });
}
