import { parseArgs } from 'node:util';

export interface BenchArgs {
  /** Benchmark name; `queue` when none is given. */
  name: string;
  /** The headline job count (100,000 by default); every size in a benchmark scales from it. */
  jobs: number;
}

export const DEFAULT_JOBS = 100_000;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseArgs({ args: argv, options: { jobs: { type: 'string' } }, allowPositionals: true, strict: true });
  const jobs = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 100) throw new Error(`--jobs must be a whole number ≥ 100, got ${values.jobs}`);
  if (positionals.length > 1) throw new Error(`one benchmark at a time, got ${positionals.join(' ')}`);
  return { name: positionals[0] ?? 'queue', jobs };
}
