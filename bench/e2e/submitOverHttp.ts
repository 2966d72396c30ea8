import type { GantryClient } from '../../src/shared';
import { SUBMIT_CHUNK } from '../queue/benchJobs';
import { monotonicMs, type Window } from './claimTiming';

/**
 * `jobs` × `true` through `POST /api/v1/jobs/batch` in the same chunks as every other submit; returns
 * the elapsed ms. When `windows` is given, each request's span on the monotonic clock is added to it.
 */
export async function submitNoOpJobs(admin: GantryClient, jobs: number, label = 'noop', windows?: Window[]): Promise<number> {
  const start = performance.now();
  for (let from = 0; from < jobs; from += SUBMIT_CHUNK) {
    const batch = Array.from({ length: Math.min(SUBMIT_CHUNK, jobs - from) }, (_, k) => ({ name: `${label}-${from + k}`, command: ['true'] }));
    const fromMs = monotonicMs();
    // A long timeout: a batch waits behind the agents' claims and finishes on a busy two-core machine.
    await admin.call('submitBatch', { body: { jobs: batch } }, 120_000);
    windows?.push({ fromMs, toMs: monotonicMs() });
  }
  return performance.now() - start;
}

/**
 * Polls the counts until `jobs` jobs are final; throws if nothing moves for `stallMs`, and as soon
 * as any job failed or was cancelled: a no-op that fails means the figure measured a broken run.
 */
export async function waitUntilFinal(admin: GantryClient, jobs: number, stallMs = 60_000): Promise<void> {
  let last = -1;
  let lastMove = Date.now();
  for (;;) {
    const counts = await admin.call('countJobs');
    if (counts.failed + counts.cancelled > 0) throw new Error(`${counts.failed} jobs failed and ${counts.cancelled} were cancelled: ${JSON.stringify(counts)}`);
    const final = counts.succeeded;
    if (final >= jobs) return;
    if (final !== last) {
      last = final;
      lastMove = Date.now();
    } else if (Date.now() - lastMove > stallMs) {
      throw new Error(`stalled at ${final} of ${jobs} jobs final: ${JSON.stringify(counts)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
