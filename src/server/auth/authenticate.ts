import type { FastifyBaseLogger } from 'fastify';
import type { Coordinator } from '../../core';
import { GantryError } from '../../shared';
import type { AuthFailureLimiter } from './authFailureLimiter';
import type { JobTokens } from './jobTokens';
import { jobTokenPrincipal, storedTokenPrincipal, workerPrincipal, type Principal } from './principal';

export interface Credentials {
  /** The secret as presented; absent when the request carried none. */
  token: string | undefined;
  address: string;
  /** What was asked for, for the auth log (never the token). */
  target: string;
}

export type Authenticate = (credentials: Credentials, log: FastifyBaseLogger) => Principal;
/** The principal a token stands for right now, or null; records nothing (the live hub re-checks open sockets with it). */
export type ResolveToken = (token: string) => Principal | null;

/** How long a job token may still read its job after its attempt ended (the agent's last log reads, a job's cleanup). */
export const JOB_TOKEN_READ_GRACE_MS = 5 * 60_000;

/** `Authorization: Bearer <token>`; anything else counts as no token. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

export interface AuthenticateOptions {
  now: () => number;
  jobTokenReadGraceMs?: number;
}

/**
 * Resolves a token to a principal or throws 401/429. Job tokens are checked by signature, then
 * against their attempt: valid while it runs and is the job's current one, read-only for a short
 * grace after it ends. Worker credentials and stored tokens go to the coordinator. A valid token
 * is never refused here: the failure limiter only slows further failures from an address, so a
 * page spraying bad tokens cannot lock out the console, the CLI or the local worker.
 */
export function createTokenResolver(coordinator: Coordinator, jobTokens: JobTokens, options: AuthenticateOptions): ResolveToken {
  const grace = options.jobTokenReadGraceMs ?? JOB_TOKEN_READ_GRACE_MS;

  function jobPrincipal(token: string): Principal | null {
    const claim = jobTokens.read(token);
    if (!claim) return null;
    const holder = coordinator.attemptHolder(claim.jobId, claim.attempt);
    if (!holder?.current) return null;
    if (holder.finished_at === null) return jobTokenPrincipal(claim.jobId, claim.attempt, false);
    return options.now() - holder.finished_at <= grace ? jobTokenPrincipal(claim.jobId, claim.attempt, true) : null;
  }

  function credentialPrincipal(token: string): Principal | null {
    const holder = coordinator.workerByCredential(token);
    return holder ? workerPrincipal(holder.worker_id, holder.name) : null;
  }

  function storedPrincipal(token: string): Principal | null {
    const record = coordinator.verifyToken(token);
    return record ? storedTokenPrincipal(record) : null;
  }

  return (token) => {
    if (token.startsWith('gjob_')) return jobPrincipal(token);
    if (token.startsWith('gwrk_')) return credentialPrincipal(token);
    return storedPrincipal(token);
  };
}

export function createAuthenticate(coordinator: Coordinator, resolve: ResolveToken, limiter: AuthFailureLimiter): Authenticate {
  return ({ token, address, target }, log) => {
    const principal = token === undefined ? null : resolve(token);
    if (principal) return principal;
    if (limiter.isBlocked(address)) {
      throw new GantryError('rate_limited', 'too many failed authentications from this address; try again later');
    }
    const reason = token === undefined ? 'no token' : token.startsWith('gjob_') ? 'job token invalid or its attempt has ended' : 'invalid or revoked token';
    limiter.recordFailure(address);
    coordinator.recordAuthEvent({ kind: 'failure', address, token_name: 'unknown', route: target, reason });
    log.warn({ address, target, reason }, 'authentication failed');
    throw new GantryError('unauthorized', token === undefined ? 'a bearer token is required' : reason);
  };
}
