import { parseArgs } from 'node:util';
import { DEFAULT_REPS } from './repeat';

export interface BenchArgs {
  /** Benchmark name; `queue` when none is given. */
  name: string;
  /** The headline job count (100,000 by default); every size in a benchmark scales from it. */
  jobs: number;
  /** Timed repetitions per throughput figure (3 by default); the median is the figure. */
  reps: number;
}

export const DEFAULT_JOBS = 100_000;

function wholeNumber(raw: string | undefined, fallback: number, flag: string, least: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < least) throw new Error(`${flag} must be a whole number ≥ ${least}, got ${raw}`);
  return value;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseArgs({ args: argv, options: { jobs: { type: 'string' }, reps: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new Error(`one benchmark at a time, got ${positionals.join(' ')}`);
  return { name: positionals[0] ?? 'queue', jobs: wholeNumber(values.jobs, DEFAULT_JOBS, '--jobs', 100), reps: wholeNumber(values.reps, DEFAULT_REPS, '--reps', 1) };
}
