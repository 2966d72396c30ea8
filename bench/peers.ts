/**
 * The queues Gantry is compared with, measured in the same run on the same machine: BullMQ on
 * a local redis-server and plainjob on SQLite, each with 10-way concurrency and a no-op processor.
 */
import type { FigureLog } from './lib/figures';
import { makeTempDir } from './lib/tempDir';
import { measureBullmq } from './peers/bullmq';
import type { PeerResult } from './peers/peerResult';
import { measurePlainjob } from './peers/plainjob';
import { startRedisServer } from './peers/redisServer';

export const PEER_CONCURRENCY = 10;

export interface PeerResults {
  bullmq?: PeerResult;
  plainjob?: PeerResult;
}

/** A peer that cannot run here (no redis-server) is reported as an error figure and left out of the ratios. */
export async function runPeers(log: FigureLog, jobs: number): Promise<PeerResults> {
  log.record('peers.jobs', jobs, 'jobs');
  log.record('peers.concurrency', PEER_CONCURRENCY, 'jobs');
  const results: PeerResults = {};
  try {
    results.bullmq = await runBullmq(jobs);
    record(log, 'bullmq', results.bullmq);
  } catch (error) {
    log.record('peers.bullmq.error', (error as Error).message, 'text');
  }
  const dir = makeTempDir('plainjob');
  try {
    results.plainjob = await measurePlainjob(dir.path, jobs, PEER_CONCURRENCY);
    record(log, 'plainjob', results.plainjob);
  } finally {
    dir.remove();
  }
  return results;
}

async function runBullmq(jobs: number): Promise<PeerResult> {
  const redis = await startRedisServer();
  try {
    return await measureBullmq(redis.port, jobs, PEER_CONCURRENCY);
  } finally {
    await redis.stop();
  }
}

function record(log: FigureLog, peer: string, result: PeerResult): void {
  log.record(`peers.${peer}.submit.jobs_per_s`, result.submitPerSecond, 'jobs/s');
  log.record(`peers.${peer}.claim_finish.jobs_per_s`, result.processPerSecond, 'jobs/s');
}

/** Peer sample size for a benchmark whose headline count is `jobs` (20,000 at the default 100,000). */
export const peerJobCount = (jobs: number): number => Math.max(100, Math.floor(jobs / 5));
