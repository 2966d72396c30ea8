/**
 * expireLeases — every open attempt whose lease ran out (its worker stopped renewing it) is lost.
 * In: the clock. Out: how many attempts were lost. Events: those of loseAttempt.
 * The sweep first extends leases by any time the coordinator itself was not running
 * (extendLeasesForPause), so a laptop that slept does not expire healthy attempts.
 */
import type { CoreContext } from '../../context';
import { loseAttempt } from './loseAttempt';

export function expireLeases(ctx: CoreContext): number {
  return ctx.tx(() => {
    const expired = ctx.sql('SELECT job_id, attempt, worker_id FROM attempts WHERE finished_at IS NULL AND lease_expires_at < ?').all(ctx.now()) as Array<{
      job_id: number;
      attempt: number;
      worker_id: string;
    }>;
    for (const a of expired) loseAttempt(ctx, a.job_id, a.attempt, `lease expired on worker ${a.worker_id}`);
    return expired.length;
  });
}
