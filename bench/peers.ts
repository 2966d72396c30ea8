/**
 * The queues Gantry is compared with, measured in the same run on the same machine: BullMQ on
 * a local redis-server (append-only file, fsync every second) and plainjob on SQLite, each with
 * 10-way concurrency and a no-op processor, the same job count and submit chunks Gantry gets.
 */
import type { FigureLog } from './lib/figures';
import { recordSpread, repeated, spreadOf } from './lib/repeat';
import { makeTempDir } from './lib/tempDir';
import { measureBullmq } from './peers/bullmq';
import type { PeerResult } from './peers/peerResult';
import { measurePlainjob } from './peers/plainjob';
import { startRedisServer } from './peers/redisServer';

export const PEER_CONCURRENCY = 10;

/** Medians over the timed runs, in jobs per second. */
export interface PeerResults {
  bullmq?: PeerResult;
  plainjob?: PeerResult;
}

type Measure = (jobs: number) => Promise<PeerResult>;

/** A peer that cannot run here (no redis-server) is reported as an error figure and left out of the ratios. */
export async function runPeers(log: FigureLog, jobs: number, reps: number): Promise<PeerResults> {
  log.record('peers.jobs', jobs, 'jobs');
  log.record('peers.concurrency', PEER_CONCURRENCY, 'jobs');
  const results: PeerResults = {};
  try {
    results.bullmq = await measurePeer(log, 'bullmq', runBullmq, jobs, reps);
  } catch (error) {
    log.record('peers.bullmq.error', (error as Error).message, 'text');
  }
  results.plainjob = await measurePeer(log, 'plainjob', runPlainjob, jobs, reps);
  return results;
}

/** A warm-up run on a tenth of the jobs, then `reps` timed runs, each on a fresh store. */
async function measurePeer(log: FigureLog, peer: string, measure: Measure, jobs: number, reps: number): Promise<PeerResult> {
  const submits: number[] = [];
  const processing = await repeated(reps, () => measure(Math.max(100, Math.floor(jobs / 10))), async () => {
    const run = await measure(jobs);
    submits.push(run.submitPerSecond);
    return run.processPerSecond;
  });
  return {
    submitPerSecond: recordSpread(log, `peers.${peer}.submit.jobs_per_s`, spreadOf(submits), 'jobs/s'),
    processPerSecond: recordSpread(log, `peers.${peer}.claim_finish.jobs_per_s`, processing, 'jobs/s'),
  };
}

async function runBullmq(jobs: number): Promise<PeerResult> {
  const dir = makeTempDir('redis');
  const redis = await startRedisServer(dir.path);
  try {
    return await measureBullmq(redis.port, jobs, PEER_CONCURRENCY);
  } finally {
    await redis.stop();
    dir.remove();
  }
}

async function runPlainjob(jobs: number): Promise<PeerResult> {
  const dir = makeTempDir('plainjob');
  try {
    return await measurePlainjob(dir.path, jobs, PEER_CONCURRENCY);
  } finally {
    dir.remove();
  }
}

/** Sample size of the throughput comparisons for a benchmark whose headline count is `jobs` (20,000 at the default 100,000). */
export const peerJobCount = (jobs: number): number => Math.max(100, Math.floor(jobs / 5));
