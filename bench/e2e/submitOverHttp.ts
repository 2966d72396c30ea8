import type { GantryClient } from '../../src/shared';

const CHUNK = 5_000;

/** `jobs` × `true` through `POST /api/v1/jobs/batch` in chunks; returns the elapsed ms. */
export async function submitNoOpJobs(admin: GantryClient, jobs: number): Promise<number> {
  const start = performance.now();
  for (let from = 0; from < jobs; from += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, jobs - from) }, (_, k) => ({ name: `noop-${from + k}`, command: ['true'] }));
    // A long timeout: a batch waits behind the agents' claims and finishes on a busy two-core machine.
    await admin.call('submitBatch', { body: { jobs: batch } }, 120_000);
  }
  return performance.now() - start;
}

/** Polls the counts until `jobs` jobs are final; throws if nothing moves for `stallMs`. */
export async function waitUntilFinal(admin: GantryClient, jobs: number, stallMs = 60_000): Promise<{ succeeded: number; failed: number }> {
  let last = -1;
  let lastMove = Date.now();
  for (;;) {
    const counts = await admin.call('countJobs');
    const final = counts.succeeded + counts.failed + counts.cancelled;
    if (final >= jobs) return { succeeded: counts.succeeded, failed: counts.failed + counts.cancelled };
    if (final !== last) {
      last = final;
      lastMove = Date.now();
    } else if (Date.now() - lastMove > stallMs) {
      throw new Error(`stalled at ${final} of ${jobs} jobs final: ${JSON.stringify(counts)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
