import { spawn } from 'node:child_process';
import { perSecond } from '../lib/stats';

/** The floor any runner pays: `true` spawned straight from Node, `slots` at a time. Jobs per second. */
export async function measureRawSpawn(jobs: number, slots: number): Promise<number> {
  let started = 0;
  const runOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`true exited with ${code}`))));
    });
  const lane = async (): Promise<void> => {
    while (started < jobs) {
      started++;
      await runOne();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: slots }, lane));
  return perSecond(jobs, performance.now() - start);
}
