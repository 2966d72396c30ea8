import type { RouteName } from './routes';

/**
 * The agent channel (issue 19): one WebSocket an agent opens once, authenticated once with its
 * worker credential at the upgrade, over which it makes the calls it makes per job. Each call is
 * answered by the same handler, schemas and checks as its HTTP route, so a call behaves the same
 * over either; the channel only saves HTTP's per-request work (parsing, hooks, a token check).
 */
export const AGENT_CHANNEL_PATH = '/api/v1/workers/:id/channel';

/** The calls the channel carries; anything else goes over HTTP. */
export const AGENT_CHANNEL_ROUTES = ['claim', 'heartbeat', 'finishJobs', 'finishJob', 'appendLog', 'recordMetrics'] as const satisfies readonly RouteName[];
export type AgentChannelRoute = (typeof AGENT_CHANNEL_ROUTES)[number];

/**
 * The largest message a client may send on the server's WebSockets; a bigger call goes over HTTP,
 * whose per-route body limits stay as they are.
 */
export const MAX_CHANNEL_CALL_BYTES = 64 * 1024;

/** Close code for a channel whose worker credential was revoked or no longer stands (4000–4999 are the application's). */
export const CHANNEL_CREDENTIAL_REVOKED = 4401;

/** A call: the route's name, its input as the HTTP route takes it, and an id its reply carries back. */
export interface AgentChannelCall {
  id: number;
  call: AgentChannelRoute;
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/** A reply: the HTTP status the route would have answered and its body (the answer, or `{error: {code, message, field}}`). */
export interface AgentChannelReply {
  id: number;
  status: number;
  body: unknown;
}

export function agentChannelPath(workerId: string): string {
  return AGENT_CHANNEL_PATH.replace(':id', encodeURIComponent(workerId));
}

export function isAgentChannelRoute(name: string): name is AgentChannelRoute {
  return (AGENT_CHANNEL_ROUTES as readonly string[]).includes(name);
}
