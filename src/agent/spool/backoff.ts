export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

/**
 * Delay before retry number `failures` (1, 2, …): exponential with full jitter, so agents that lost
 * the coordinator together do not all come back in the same instant.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(failures - 1, 30));
  return Math.max(base / 2, random() * ceiling);
}
