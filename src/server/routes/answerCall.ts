import { Readable } from 'node:stream';
import { GantryError, parseOrThrow, ROUTES, type RouteDef, type RouteName } from '../../shared';
import { checkJobAccess, checkWorkerAccess } from '../auth/authorize';
import { checkProjectAccess, limitAnswerToProject } from '../auth/projectAccess';
import { redactForReader } from '../auth/redactForReader';
import type { Principal } from '../auth/principal';
import type { ServerDeps } from './routeHandler';

/** A call as it arrived, before validation: path params, query and body as the caller sent them. */
export interface RawCall {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A call's input once the route's zod schemas accepted it. */
export interface ParsedCall {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A `stream` route's body: the request stream, which only an application/octet-stream body gives. */
function streamBody(route: RouteDef, body: unknown): Readable {
  if (body instanceof Readable) return body;
  throw new GantryError('invalid_request', `${route.method} ${route.path} takes its body as raw bytes with content-type application/octet-stream`, 'body');
}

/**
 * One call of the route table, whatever carried it: zod on params, query and body (errors name the
 * field), the principal's access to what the call touches, the handler (`run`), then the answer
 * narrowed to the caller (one project, a reader's redactions). HTTP routes and the agent channel
 * both answer through this, so a call behaves the same over either.
 */
export async function answerCall(name: RouteName, raw: RawCall, principal: Principal | null, deps: ServerDeps, run: (parsed: ParsedCall) => unknown): Promise<unknown> {
  const route: RouteDef = ROUTES[name];
  const params = route.params ? parseOrThrow(route.params, raw.params) : undefined;
  const query = route.query ? parseOrThrow(route.query, raw.query ?? {}) : undefined;
  const body = route.body ? parseOrThrow(route.body, raw.body) : route.stream ? streamBody(route, raw.body) : undefined;
  if (principal) {
    checkJobAccess(route, principal, params, body);
    checkWorkerAccess(route, principal, params, body, deps.coordinator);
    checkProjectAccess(name, route, principal, { params, query, body, rawBody: raw.body }, deps.coordinator);
  }
  const handled = await run({ params, query, body });
  const answer = principal?.project ? limitAnswerToProject(name, handled, principal.project, deps.coordinator) : handled;
  return principal?.scope === 'read' || principal?.scope === 'chat' ? redactForReader(name, answer) : answer;
}
