import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { perSecond } from '../lib/stats';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./rawSpawnChild.mjs', import.meta.url));

/**
 * The floor any runner pays: `true` spawned `slots` at a time from a small, fresh Node process
 * (not this one, whose heap would make every fork dearer). Jobs per second.
 * With `processes` > 1, that many such processes share the jobs and the slots (4 × 2 is the e2e
 * cluster's layout, 4 agents with 2 slots each), all timed together from the first start to the
 * last exit: node's spawn blocks its thread until the child has exec'd, so one process waits for
 * each child to get a core, where several wait side by side (bench/README.md, the ratio under load).
 */
export async function measureRawSpawn(jobs: number, slots: number, processes = 1): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const share = Math.floor(jobs / processes) + (i < jobs % processes ? 1 : 0);
      return run(process.execPath, [CHILD, String(share), String(slots / processes)], { maxBuffer: 1024 * 1024 });
    }),
  );
  return perSecond(jobs, performance.now() - start);
}
