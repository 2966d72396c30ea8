import type { FastifyBaseLogger } from 'fastify';
import type { Coordinator } from '../../core';
import { GantryError, NotFoundError } from '../../shared';
import type { AuthFailureLimiter } from './authFailureLimiter';
import type { JobTokens } from './jobTokens';
import type { Principal } from './principal';

export interface Credentials {
  /** The secret as presented; absent when the request carried none. */
  token: string | undefined;
  address: string;
  /** What was asked for, for the failure log line (never the token). */
  target: string;
}

export type Authenticate = (credentials: Credentials, log: FastifyBaseLogger) => Principal;

/** `Authorization: Bearer <token>`; anything else counts as no token. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Resolves a token to a principal or throws 401/429. Job tokens are checked by
 * signature first and then against the job's current attempt, so a token from an
 * earlier attempt stops working after a retry; other tokens go to the coordinator.
 */
export function createAuthenticate(coordinator: Coordinator, jobTokens: JobTokens, limiter: AuthFailureLimiter): Authenticate {
  function jobPrincipal(token: string): Principal | null {
    const claim = jobTokens.read(token);
    if (!claim) return null;
    try {
      return coordinator.getJob(claim.jobId).attempt === claim.attempt ? { scope: 'job', job_id: claim.jobId } : null;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  function storedPrincipal(token: string): Principal | null {
    const record = coordinator.verifyToken(token);
    return record ? { scope: record.scope, job_id: record.job_id } : null;
  }

  return ({ token, address, target }, log) => {
    if (limiter.isBlocked(address)) {
      throw new GantryError('rate_limited', 'too many failed authentications; try again later');
    }
    if (token === undefined) throw new GantryError('unauthorized', 'a bearer token is required');
    const principal = jobPrincipal(token) ?? storedPrincipal(token);
    if (principal) return principal;
    limiter.recordFailure(address);
    log.warn({ address, target }, 'authentication failed');
    throw new GantryError('unauthorized', 'invalid or revoked token');
  };
}
