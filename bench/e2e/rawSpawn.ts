import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { perSecond } from '../lib/stats';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./rawSpawnChild.mjs', import.meta.url));

/**
 * The floor any runner pays: `true` spawned `slots` at a time from a small, fresh Node process
 * (not this one, whose heap would make every fork dearer). Jobs per second.
 */
export async function measureRawSpawn(jobs: number, slots: number): Promise<number> {
  const { stdout } = await run(process.execPath, [CHILD, String(jobs), String(slots)], { maxBuffer: 1024 * 1024 });
  const { ms } = JSON.parse(stdout) as { ms: number };
  return perSecond(jobs, ms);
}
