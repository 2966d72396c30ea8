import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { perSecond } from '../lib/stats';

const run = promisify(execFile);
const POLL_MS = 100;

/** Debian ships task-spooler as `tsp` (moreutils owns `ts`); elsewhere it is `ts`. */
export function findTaskSpooler(): string | null {
  for (const bin of ['tsp', 'ts']) {
    const probe = spawnSync(bin, ['-V'], { encoding: 'utf8' });
    if (`${probe.stdout}${probe.stderr}`.includes('Task Spooler')) return bin;
  }
  return null;
}

/**
 * task-spooler with `slots` slots on a private socket, driven as its users drive it: one
 * `tsp -n true` client call per job from a shell loop (`-n` keeps no output file, the cheapest
 * submit it allows), then its list polled until it reports every job finished. Jobs per second from
 * the first enqueue. A job that ended with a non-zero E-Level fails the benchmark.
 */
export async function measureTaskSpooler(bin: string, dir: string, jobs: number, slots: number): Promise<number> {
  // TS_MAXFINISHED keeps every finished job listed, so the count of finished ones can reach `jobs`.
  const env = { ...process.env, TS_SOCKET: `${dir}/ts.sock`, TMPDIR: dir, TS_MAXFINISHED: String(jobs + 1) };
  await run(bin, ['-S', String(slots)], { env });
  try {
    const start = performance.now();
    await run('sh', ['-c', `i=0; while [ $i -lt ${jobs} ]; do "$0" -n true >/dev/null || exit 1; i=$((i+1)); done`, bin], { env });
    for (;;) {
      const { finished, failed } = await listState(bin, env);
      if (failed > 0) throw new Error(`task-spooler: ${failed} of ${jobs} jobs ended with a non-zero E-Level`);
      if (finished >= jobs) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return perSecond(jobs, performance.now() - start);
  } finally {
    await run(bin, ['-K'], { env });
  }
}

/** Finished jobs in `tsp -l`, and how many of them did not exit 0. */
async function listState(bin: string, env: NodeJS.ProcessEnv): Promise<{ finished: number; failed: number }> {
  const { stdout } = await run(bin, ['-l'], { env, maxBuffer: 256 * 1024 * 1024 });
  let finished = 0;
  let failed = 0;
  for (const line of stdout.split('\n')) {
    const match = /^\d+\s+finished\s+\S+\s+(-?\d+)/.exec(line);
    if (!match) continue;
    finished++;
    if (match[1] !== '0') failed++;
  }
  return { finished, failed };
}
