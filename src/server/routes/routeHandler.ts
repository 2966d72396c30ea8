import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Coordinator } from '../../core';
import type { HostService, SlurmService } from '../../provision';
import type { RouteName, ROUTES } from '../../shared';
import type { JobTokens } from '../auth/jobTokens';
import type { Principal } from '../auth/principal';
import type { LiveHub } from '../live/liveHub';
import type { KubernetesBridges } from '../kubernetes/kubernetesBridges';
import type { JsonText } from './jsonText';
import type { ParkedClaims } from './workers/parkedClaims';
import type { GroupCommit } from './jobs/groupCommit';
import type { PrometheusMetrics } from '../metrics/prometheusMetrics';

import type { LocalWorkerControl } from '../localWorker';

/** What every handler may use besides its request. */

export interface ServerDeps {
  coordinator: Coordinator;
  hub: LiveHub;
  metrics: PrometheusMetrics;
  jobTokens: JobTokens;
  /** SSH hosts: inventory, bootstrap, tunnels. */
  hosts: HostService;
  /** Slurm clusters: pilots over sbatch on their login nodes. */
  slurm: SlurmService;
  /** Kubernetes clusters' bridge workers. */
  kubernetes: KubernetesBridges;
  /** Aborted when the server starts closing, so long-polls return at once. */
  closing: AbortSignal;
  /** The host's own worker, when it has one it can start again. */
  localWorker: LocalWorkerControl | null;
  /** Claim long-polls waiting per worker, bounded. */
  parkedClaims: ParkedClaims;
  /** Agents' results arriving in one event-loop turn, committed in one transaction. */
  groupCommit: GroupCommit;
  /** Whether agents are offered the channel (their register reply names it). */
  agentChannel: boolean;
}

type Route<N extends RouteName> = (typeof ROUTES)[N];
type Parsed<R, K extends string> = R extends { [P in K]: infer S } ? (S extends z.ZodType ? z.output<S> : undefined) : undefined;

/** A call's parsed input and caller, whatever carried it (an HTTP request or the agent channel). */
export interface CallerInput<N extends RouteName> {
  params: Parsed<Route<N>, 'params'>;
  query: Parsed<Route<N>, 'query'>;
  /** A `stream` route's body is the request stream. */
  body: Route<N> extends { stream: true } ? Readable : Parsed<Route<N>, 'body'>;
  principal: Principal | null;
  /** Aborts when the caller hangs up (the HTTP response closes, the channel's socket closes), so a long-poll stops waiting. */
  hangup: AbortSignal;
  /**
   * Whether the caller's credential still stands now, asked by a call that waits (the claim's
   * long-poll, after each wait): a credential revoked meanwhile gets nothing more. A number compared
   * unless a credential fell in this process since the call began; then a database read.
   */
  credentialStands: () => boolean;
}

export interface RouteInput<N extends RouteName> extends CallerInput<N> {
  request: FastifyRequest;
  reply: FastifyReply;
}

/** JSON routes return their response shape (or it as JsonText); raw routes return bytes (headers set on the reply); csv routes may return CSV text. */
export type RouteOutput<N extends RouteName> = Route<N> extends { raw: true }
  ? Buffer | Readable
  : z.input<Route<N>['response']> | JsonText | (Route<N> extends { csv: true } ? string : never);

export type RouteHandler<N extends RouteName> = (input: RouteInput<N>, deps: ServerDeps) => RouteOutput<N> | Promise<RouteOutput<N>>;

/** A handler that needs nothing of HTTP (no request headers, no reply headers): the agent channel may call it too. */
export type CallerHandler<N extends RouteName> = (input: CallerInput<N>, deps: ServerDeps) => RouteOutput<N> | Promise<RouteOutput<N>>;

/** One resource's handlers, keyed by route name. */
export type RouteHandlers<N extends RouteName> = { [K in N]: RouteHandler<K> };
