import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { perSecond } from '../lib/stats';

const run = promisify(execFile);

/**
 * `true` run `slots` at a time by xargs, a small C program that forks and waits and does nothing
 * else: what spawning costs on this machine without Node on the spawning side. Jobs per second.
 */
export async function measureXargsSpawn(jobs: number, slots: number): Promise<number> {
  const start = performance.now();
  await run('sh', ['-c', `seq ${jobs} | xargs -P ${slots} -n 1 true`]);
  return perSecond(jobs, performance.now() - start);
}
