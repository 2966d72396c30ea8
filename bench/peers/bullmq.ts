import { Queue, Worker } from 'bullmq';
import { SUBMIT_CHUNK } from '../queue/benchJobs';
import { processCpuMs } from '../lib/processCpu';
import { perSecond } from '../lib/stats';
import type { PeerResult } from './peerResult';

/**
 * BullMQ on a local redis: `jobs` jobs added with addBulk in Gantry's submit chunks, then one Worker with `concurrency`
 * whose processor returns at once; completed jobs per second from the worker's start until the
 * last `completed` event. Completed jobs are kept (BullMQ's default), as Gantry keeps its jobs.
 * `redisPid`: the server, whose CPU over the processing is reported per job beside this process's.
 */
export async function measureBullmq(redisPort: number, redisPid: number | undefined, jobs: number, concurrency: number): Promise<PeerResult> {
  const connection = { host: '127.0.0.1', port: redisPort };
  // Completed and failed jobs are kept, as Gantry keeps its jobs (also BullMQ's default; said here so it stays so).
  const queue = new Queue('bench', { connection, defaultJobOptions: { removeOnComplete: false, removeOnFail: false } });
  let worker: Worker | undefined;
  try {
    const submitStart = performance.now();
    for (let from = 0; from < jobs; from += SUBMIT_CHUNK) {
      const chunk = [];
      for (let i = from; i < Math.min(jobs, from + SUBMIT_CHUNK); i++) chunk.push({ name: 'noop', data: { i } });
      await queue.addBulk(chunk);
    }
    const submitPerSecond = perSecond(jobs, performance.now() - submitStart);

    let completed = 0;
    let failed = 0;
    const runner = new Worker('bench', async () => undefined, { connection, concurrency, autorun: false });
    worker = runner;
    const allDone = new Promise<void>((resolve) => {
      const count = (): void => {
        if (completed + failed === jobs) resolve();
      };
      runner.on('completed', () => {
        completed++;
        count();
      });
      runner.on('failed', () => {
        failed++;
        count();
      });
    });
    await runner.waitUntilReady();
    const serverCpuBefore = redisPid === undefined ? null : processCpuMs(redisPid);
    const clientCpuBefore = process.cpuUsage();
    const start = performance.now();
    void runner.run();
    await allDone;
    const processPerSecond = perSecond(jobs, performance.now() - start);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const serverCpuAfter = redisPid === undefined ? null : processCpuMs(redisPid);
    if (failed > 0) throw new Error(`BullMQ failed ${failed} of ${jobs} no-op jobs`);
    const serverCpuUsPerJob = serverCpuBefore === null || serverCpuAfter === null ? undefined : ((serverCpuAfter - serverCpuBefore) * 1000) / jobs;
    return { submitPerSecond, processPerSecond, clientCpuUsPerJob: (clientCpu.user + clientCpu.system) / jobs, serverCpuUsPerJob };
  } finally {
    await worker?.close();
    await queue.close();
  }
}
