import { GantryError } from '../../../shared';

/** Long-polls one worker may have waiting at once; an agent keeps one. */
export const MAX_PARKED_CLAIMS_PER_WORKER = 4;

/**
 * Counts the claim long-polls parked per worker. Each parked poll is woken by every new job, so
 * without a bound one caller could make each submission cost a claim per poll it parked.
 */
export class ParkedClaims {
  private readonly byWorker = new Map<string, number>();

  constructor(private readonly limit = MAX_PARKED_CLAIMS_PER_WORKER) {}

  /** Takes a slot for `workerId` or throws 429; call the returned function when the poll returns. */
  enter(workerId: string): () => void {
    const parked = this.byWorker.get(workerId) ?? 0;
    if (parked >= this.limit) {
      throw new GantryError('rate_limited', `worker ${workerId} already has ${parked} claims waiting, the most one worker may park; wait for one to return`);
    }
    this.byWorker.set(workerId, parked + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const now = (this.byWorker.get(workerId) ?? 1) - 1;
      if (now === 0) this.byWorker.delete(workerId);
      else this.byWorker.set(workerId, now);
    };
  }
}
