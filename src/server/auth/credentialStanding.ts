import type { ResolveToken } from './authenticate';
import type { Principal } from './principal';

/** Whether the token a caller authenticated with still stands, for the same worker (a database read). */
export function tokenStillStands(resolveToken: ResolveToken, token: string, principal: Principal): boolean {
  const now = resolveToken(token);
  return now !== null && now.worker_id === principal.worker_id;
}

/**
 * Whether a credential checked once still stands, asked again during a long call (an open agent
 * channel, a parked claim). It is read again only when something that could revoke it happened in
 * this process since it last stood (Coordinator.credentialRevision moved): most asks are one number
 * compared, and a revocation is seen by the very next ask.
 */
export class CredentialStanding {
  /** The revision at which the credential was last known to stand. */
  private standsAt: number;

  /**
   * @param checkedAt the revision read just before the credential was first checked, so a
   *   revocation between that read and the check is still seen.
   * @param reread reads the credential again (a database read).
   */
  constructor(
    private readonly revision: () => number,
    checkedAt: number,
    private readonly reread: () => boolean,
  ) {
    this.standsAt = checkedAt;
  }

  stands(): boolean {
    const revision = this.revision();
    if (revision === this.standsAt) return true;
    if (!this.reread()) return false;
    this.standsAt = revision;
    return true;
  }
}
