import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_BODY_LIMIT, GantryError, ROUTES, type RouteDef, type RouteName } from '../../shared';
import type { Authenticate, ResolveToken } from '../auth/authenticate';
import { bearerToken } from '../auth/authenticate';
import { CredentialStanding, tokenStillStands } from '../auth/credentialStanding';
import { checkScope } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { answerCall } from './answerCall';
import type { AllRouteHandlers } from './index';
import type { RouteInput, ServerDeps } from './routeHandler';
import { JsonText } from './jsonText';
import { responseMismatch } from './responseShape';
import { handlerTiming, timeDispatchFor } from '../serverTiming';

/**
 * The table is iterated by name, so each handler meets its own route's schemas; TypeScript
 * cannot follow that correlation through a loop, hence this one widened signature.
 */
type LooseHandler = (input: RouteInput<RouteName>, deps: ServerDeps) => unknown;

/** Refuses a body the route's limit cannot take from its declared length, before a byte of it is read. */
function checkDeclaredLength(route: RouteDef, limit: number, header: string | undefined): void {
  const length = Number(header);
  if (header !== undefined && Number.isFinite(length) && length > limit) {
    throw new GantryError('payload_too_large', `${route.method} ${route.path} takes bodies of at most ${limit} bytes; this one is ${length}`, 'body');
  }
}

/**
 * Aborts when the response closes (the caller hung up, or the reply went out). Built only when a
 * handler reads `hangup` (the claim's long-poll), so other routes pay nothing for it.
 */
function replyClosed(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}

/** Whether a route may be called without a token on this request (`--metrics-open` from loopback). */
export type OpenAccess = (name: RouteName, request: FastifyRequest) => boolean;

export interface RegisterRoutesOptions {
  /** Check every JSON response against the route's response schema; a mismatch answers 500 naming it. */
  checkResponses?: boolean;
}

/** Who made a request, and the credential revision read just before that was checked. */
interface Caller {
  principal: Principal;
  checkedAt: number;
}

/** CallerInput.credentialStands for an HTTP request: a request without a principal has no credential to lose. */
function requestCredentialStands(caller: Caller | undefined, request: FastifyRequest, deps: ServerDeps, resolveToken: ResolveToken): () => boolean {
  if (!caller) return () => true;
  const { principal, checkedAt } = caller;
  const token = bearerToken(request.headers.authorization) ?? '';
  const standing = new CredentialStanding(() => deps.coordinator.credentialRevision(), checkedAt, () => tokenStillStands(resolveToken, token, principal));
  return () => standing.stands();
}

/** Registers every route of the table: auth and the body limit before the body is read, zod on params/query/body, then the handler. */
export function registerRoutes(
  app: FastifyInstance,
  handlers: AllRouteHandlers,
  deps: ServerDeps,
  authenticate: Authenticate,
  resolveToken: ResolveToken,
  openAccess: OpenAccess = () => false,
  options: RegisterRoutesOptions = {},
): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  // Raw bytes reach a `stream` route's handler as the request stream itself, never buffered.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const route: RouteDef = ROUTES[name];
    const handler = handlers[name] as LooseHandler;
    const needsToken = route.scopes.length > 0;
    const bodyLimit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;

    app.route({
      method: route.method,
      url: route.path,
      bodyLimit,
      // onRequest runs before the body is parsed, so a caller without a valid token, or with a body
      // over the route's limit, cannot make us read it.
      onRequest: async (request) => {
        if (needsToken && !openAccess(name, request)) {
          const checkedAt = deps.coordinator.credentialRevision();
          const principal = authenticate(
            { token: bearerToken(request.headers.authorization), address: request.ip, target: `${route.method} ${route.path}` },
            request.log,
          );
          checkScope(route, principal);
          callers.set(request, { principal, checkedAt });
          timeDispatchFor(request);
        }
        checkDeclaredLength(route, bodyLimit, request.headers['content-length']);
      },
      handler: async (request, reply) => {
        const handlerStart = reply.elapsedTime;
        const caller = callers.get(request);
        const principal = caller?.principal ?? null;
        const raw = { params: request.params, query: request.query, body: request.body };
        const result = await answerCall(name, raw, principal, deps, (parsed) =>
          handler({ ...parsed, principal, request, reply, get hangup() { return replyClosed(reply); }, get credentialStands() { return requestCredentialStands(caller, request, deps, resolveToken); } } as RouteInput<RouteName>, deps),
        );
        reply.header('server-timing', handlerTiming(handlerStart, reply.elapsedTime));
        const text = result instanceof JsonText ? result.text : null;
        const mismatch = options.checkResponses ? responseMismatch(name, route, text === null ? result : JSON.parse(text)) : null;
        if (mismatch === null && text !== null) return reply.type('application/json; charset=utf-8').send(text);
        if (mismatch === null) return result;
        request.log.error({ mismatch }, 'response does not match its schema');
        // Only tests check responses, so the reply may name the mismatch instead of hiding it like other 5xx.
        return reply.status(500).send({ error: { code: 'internal', message: mismatch } });
      },
    });
  }
}
