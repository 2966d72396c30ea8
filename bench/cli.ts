/**
 * `npm run bench -- cli`: how long `gantry --version` takes from spawn to exit, the floor every CLI
 * command pays. `cli.start_ms` is the CLI as users run it (bin/gantry.js on the bundle that
 * `npm run build:cli` makes, built first here); `cli.start_from_source_ms` is the tsx fallback, and
 * `cli.node_baseline_ms` an empty `node -e 0`, so a slow machine can be told apart from a slow CLI.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FigureLog } from './lib/figures';
import { percentile } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 15;

function timeRuns(args: string[], env: NodeJS.ProcessEnv = {}): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    // The first run warms the file cache; it is not what a user typing commands sees.
    if (i > 0) samples.push(ms);
  }
  return samples;
}

function record(log: FigureLog, figure: string, samples: number[]): void {
  log.record(figure, percentile(samples, 50), 'ms');
  log.record(`${figure}.p95`, percentile(samples, 95), 'ms');
}

export async function runCliBench(log: FigureLog): Promise<void> {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build-cli failed');
  const bin = join(ROOT, 'bin', 'gantry.js');
  record(log, 'cli.node_baseline_ms', timeRuns(['-e', '0']));
  record(log, 'cli.start_ms', timeRuns([bin, '--version']));
  record(log, 'cli.help_ms', timeRuns([bin, 'ls', '--help']));
  record(log, 'cli.start_from_source_ms', timeRuns([bin, '--version'], { GANTRY_CLI_FROM_SOURCE: '1' }));
}
