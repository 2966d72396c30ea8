import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { perSecond } from '../lib/stats';

const run = promisify(execFile);

/** Debian ships task-spooler as `tsp` (moreutils owns `ts`); elsewhere it is `ts`. */
export function findTaskSpooler(): string | null {
  for (const bin of ['tsp', 'ts']) {
    const probe = spawnSync(bin, ['-V'], { encoding: 'utf8' });
    if (`${probe.stdout}${probe.stderr}`.includes('Task Spooler')) return bin;
  }
  return null;
}

/**
 * task-spooler with `slots` slots on a private socket: `jobs` × `tsp true` enqueued from a shell
 * loop (how it is used), then wait until nothing is queued or running. Jobs per second, counting
 * from the first enqueue; each job's output goes to a file in `dir`, tsp's default.
 */
export async function measureTaskSpooler(bin: string, dir: string, jobs: number, slots: number): Promise<number> {
  const env = { ...process.env, TS_SOCKET: `${dir}/ts.sock`, TMPDIR: dir, TS_MAXFINISHED: '1000' };
  await run(bin, ['-S', String(slots)], { env });
  try {
    const start = performance.now();
    await run('sh', ['-c', `i=0; while [ $i -lt ${jobs} ]; do "$0" true >/dev/null || exit 1; i=$((i+1)); done`, bin], { env });
    while (await busy(bin, env)) await new Promise((resolve) => setTimeout(resolve, 20));
    return perSecond(jobs, performance.now() - start);
  } finally {
    await run(bin, ['-K'], { env });
  }
}

async function busy(bin: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { stdout } = await run(bin, ['-l'], { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .slice(1)
    .some((line) => /^\d+\s+(queued|running|allocating)\b/.test(line));
}
