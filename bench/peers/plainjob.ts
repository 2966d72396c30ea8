import Database from 'better-sqlite3';
import { join } from 'node:path';
import { better, defineQueue, defineWorker, type Worker } from 'plainjob';
import { SUBMIT_CHUNK } from '../queue/benchJobs';
import { perSecond } from '../lib/stats';
import type { PeerResult } from './peerResult';

/** plainjob logs every job at debug level through console by default. */
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/**
 * plainjob (SQLite through better-sqlite3, WAL, synchronous=NORMAL like Gantry): `jobs` jobs
 * added with addMany, then `concurrency` workers on the queue in this process, since one
 * plainjob worker takes one job at a time; done jobs per second until the last completes.
 */
export async function measurePlainjob(dir: string, jobs: number, concurrency: number): Promise<PeerResult> {
  const queue = defineQueue({ connection: better(new Database(join(dir, 'plainjob.db'))), logger: silent });
  const workers: Worker[] = [];
  try {
    const submitStart = performance.now();
    for (let from = 0; from < jobs; from += SUBMIT_CHUNK) {
      const chunk = [];
      for (let i = from; i < Math.min(jobs, from + SUBMIT_CHUNK); i++) chunk.push({ i });
      queue.addMany('noop', chunk);
    }
    const submitPerSecond = perSecond(jobs, performance.now() - submitStart);

    let finished = 0;
    let failed = 0;
    let resolveDone: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (resolveDone = resolve));
    const count = (): void => {
      if (++finished === jobs) resolveDone();
    };
    for (let i = 0; i < concurrency; i++) {
      workers.push(
        defineWorker('noop', async () => undefined, {
          queue,
          logger: silent,
          onCompleted: count,
          onFailed: () => {
            failed++;
            count();
          },
        }),
      );
    }
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    for (const worker of workers) void worker.start();
    await allDone;
    const processPerSecond = perSecond(jobs, performance.now() - start);
    const cpu = process.cpuUsage(cpuBefore);
    if (failed > 0) throw new Error(`plainjob failed ${failed} of ${jobs} no-op jobs`);
    return { submitPerSecond, processPerSecond, clientCpuUsPerJob: (cpu.user + cpu.system) / jobs };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    // closes the database too
    queue.close();
  }
}
