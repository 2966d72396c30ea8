import type { FigureLog } from './figures';

/** Repetitions per figure unless `--reps` says otherwise: the median of three resists one noisy run. */
export const DEFAULT_REPS = 3;

export interface Spread {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Median (the lower middle for an even count, so it is always a measured value), min and max. */
export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], min: sorted[0], max: sorted[sorted.length - 1], samples: [...samples] };
}

/**
 * Runs `warmUp` once (JIT, page cache, a first redis connection: costs the timed runs must not
 * carry), then `measure` `reps` times, and returns the spread of what it measured.
 */
export async function repeated(reps: number, warmUp: (() => Promise<unknown> | unknown) | null, measure: (rep: number) => Promise<number> | number): Promise<Spread> {
  if (warmUp) await warmUp();
  const samples: number[] = [];
  for (let rep = 0; rep < reps; rep++) samples.push(await measure(rep));
  return spreadOf(samples);
}

/** `figure` is the median; `figure.min` and `figure.max` bound it. Returns the median for ratios. */
export function recordSpread(log: FigureLog, figure: string, spread: Spread, unit: string): number {
  log.record(figure, spread.median, unit);
  log.record(`${figure}.min`, spread.min, unit);
  log.record(`${figure}.max`, spread.max, unit);
  return spread.median;
}
