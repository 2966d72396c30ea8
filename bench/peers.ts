/**
 * The queues Gantry is compared with, measured in the same run on the same machine: BullMQ on
 * a local redis-server (append-only file, fsync every second) and plainjob on SQLite, each with
 * 10-way concurrency and a no-op processor, the same job count and submit chunks Gantry gets.
 */
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { makeTempDir } from './lib/tempDir';
import { measureBullmq } from './peers/bullmq';
import type { PeerResult } from './peers/peerResult';
import { measurePlainjob } from './peers/plainjob';
import { startRedisServer } from './peers/redisServer';

export const PEER_CONCURRENCY = 10;

export type PeerName = 'bullmq' | 'plainjob';
export const PEERS: readonly PeerName[] = ['bullmq', 'plainjob'];

/** Medians over the timed runs, in jobs per second. */
export type PeerResults = Partial<Record<PeerName, PeerResult>>;

/** One repetition of each peer: its result, or why it could not run (no redis-server). */
export type PeerRep = Partial<Record<PeerName, PeerResult | Error>>;

const MEASURE: Record<PeerName, (jobs: number) => Promise<PeerResult>> = { bullmq: runBullmq, plainjob: runPlainjob };

/** `npm run bench -- peers`: the peers alone, a warm-up then `reps` alternated repetitions. */
export async function runPeers(log: FigureLog, jobs: number, reps: number): Promise<PeerResults> {
  await warmUpPeers(jobs);
  const runs: PeerRep[] = [];
  for (let rep = 0; rep < reps; rep++) runs.push(await runPeerRep(jobs));
  return recordPeers(log, jobs, runs);
}

/** A run of each peer on a tenth of the jobs (JIT, a first redis connection); a peer that cannot run is left to the timed runs to report. */
export async function warmUpPeers(jobs: number): Promise<void> {
  for (const peer of PEERS) await MEASURE[peer](Math.max(100, Math.floor(jobs / 10))).catch(() => undefined);
}

/** One timed run of each peer, each on a fresh store. */
export async function runPeerRep(jobs: number): Promise<PeerRep> {
  const rep: PeerRep = {};
  for (const peer of PEERS) rep[peer] = await MEASURE[peer](jobs).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return rep;
}

/** Each peer's medians with min and max; a peer that failed any run is reported as an error figure and left out of the ratios. */
export function recordPeers(log: FigureLog, jobs: number, reps: PeerRep[]): PeerResults {
  log.record('peers.jobs', jobs, 'jobs');
  log.record('peers.concurrency', PEER_CONCURRENCY, 'jobs');
  const results: PeerResults = {};
  for (const peer of PEERS) {
    const runs = reps.map((rep) => rep[peer]);
    const failure = runs.find((run): run is Error => run instanceof Error);
    if (failure) {
      log.record(`peers.${peer}.error`, failure.message, 'text');
      continue;
    }
    const ok = runs.filter((run): run is PeerResult => run !== undefined);
    if (ok.length === 0) continue;
    const figure = (name: string, values: number[], unit: string): number => recordSpread(log, `peers.${peer}.${name}`, spreadOf(values), unit);
    results[peer] = {
      submitPerSecond: figure('submit.jobs_per_s', ok.map((run) => run.submitPerSecond), 'jobs/s'),
      processPerSecond: figure('claim_finish.jobs_per_s', ok.map((run) => run.processPerSecond), 'jobs/s'),
      clientCpuUsPerJob: figure('claim_finish.client_cpu_us_per_job', ok.map((run) => run.clientCpuUsPerJob), 'µs'),
    };
    const server = ok.map((run) => run.serverCpuUsPerJob).filter((value): value is number => value !== undefined);
    if (server.length > 0) results[peer].serverCpuUsPerJob = figure('claim_finish.server_cpu_us_per_job', server, 'µs');
  }
  return results;
}

async function runBullmq(jobs: number): Promise<PeerResult> {
  const dir = makeTempDir('redis');
  const redis = await startRedisServer(dir.path);
  try {
    return await measureBullmq(redis.port, redis.pid, jobs, PEER_CONCURRENCY);
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
