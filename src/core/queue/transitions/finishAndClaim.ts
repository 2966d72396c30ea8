/**
 * finishAndClaim — a worker reports how attempts ended and takes its next jobs in the same call and
 * the same transaction, as BullMQ's moveToFinished fetches the next job in the same script: one
 * commit and one round trip per job instead of two each.
 * In: worker id, a finish batch (finishAttempts: each report applied or refused on its own), and
 * claim options (claimJobs: the same guards and plan, after the results freed their room).
 * Out: the finish outcomes, and the jobs claimed. A claim the coordinator refuses (the worker went
 * offline, say) does not undo the results: they stay applied, no job is handed out, and the refusal
 * is returned for the agent to act on as on a refused claim.
 * Events: those of finishAttempts, then job.claimed per job claimed.
 */
import { GantryError, type FreeResources } from '../../../shared';
import type { FinishAndClaimResult } from '../../api';
import type { CoreContext } from '../../context';
import { claimFor, claimingWorker, type ClaimingWorker } from './claimJobs';
import { finishAttempts } from './finishAttempt';

export function finishAndClaim(ctx: CoreContext, workerId: string, batch: unknown, claim: { max: number; free?: FreeResources }): FinishAndClaimResult {
  return ctx.tx(() => {
    const results = finishAttempts(ctx, batch);
    let worker: ClaimingWorker | null;
    try {
      worker = claimingWorker(ctx, workerId);
    } catch (error) {
      if (!(error instanceof GantryError)) throw error;
      return { results, jobs: [], claimError: error };
    }
    // No savepoint around the claim: it refuses only in claimingWorker, before writing, and a savepoint
    // open over its writes cost ~20% of the CPU per job at ten per claim.
    return { results, jobs: worker ? claimFor(ctx, worker, claim.max, claim.free) : [] };
  });
}
