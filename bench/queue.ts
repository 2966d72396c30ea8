/**
 * `npm run bench -- queue`: the coordinator core in-process, with the listeners `gantry serve`
 * subscribes (submit, claim+finish) against BullMQ and plainjob measured in the same run on the
 * same job count, the database pages a claim and a finish write, the claim of a CPU job behind
 * 100,000 GPU jobs a CPU-only worker cannot run, then list latency, database size and RSS at ten
 * times the job count (1,000,000 jobs by default).
 *
 * Gantry and its peers run alternately (Gantry's modes, BullMQ, plainjob, then again), so each
 * repetition's ratios compare runs made seconds apart under the same machine conditions; the
 * `.paired` figures are the median of those per-repetition ratios, with min and max.
 */
import type { BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { peerJobCount, recordPeers, runPeerRep, warmUpPeers, type PeerName, type PeerRep, type PeerResults } from './peers';
import { recordCoreThroughput, runCoreRep, warmUpCore, type CoreRep, type CoreThroughput } from './queue/coreThroughput';
import { measureListAtScale } from './queue/measureListAtScale';
import { measureClaimBehindUnrunnable } from './queue/claimBehindUnrunnable';
import { measureWalPagesPerJob } from './queue/walPagesPerJob';
import { measureStatementsPerJob } from './queue/statementsPerJob';
import { measureSubmitCost } from './queue/submitCost';

/** Each compared pair: the ratio figure's name, Gantry's mode (its figure name in CoreRep) and the peer. */
const RATIOS: Array<{ name: string; mode: string; peer: PeerName; median: (core: CoreThroughput) => number }> = [
  { name: 'claim_finish.max1_vs_bullmq', mode: 'claim_finish.max1', peer: 'bullmq', median: (c) => c.claimMax1PerSecond },
  { name: 'claim_finish.max10_vs_bullmq', mode: 'claim_finish.max10', peer: 'bullmq', median: (c) => c.claimMax10PerSecond },
  { name: 'claim_finish.max10_batched_vs_bullmq', mode: 'claim_finish.max10_batched', peer: 'bullmq', median: (c) => c.claimMax10BatchedPerSecond },
  { name: 'claim_finish.max1_vs_plainjob', mode: 'claim_finish.max1', peer: 'plainjob', median: (c) => c.claimMax1PerSecond },
  { name: 'claim_finish.max10_vs_plainjob', mode: 'claim_finish.max10', peer: 'plainjob', median: (c) => c.claimMax10PerSecond },
  { name: 'claim_finish.max10_batched_vs_plainjob', mode: 'claim_finish.max10_batched', peer: 'plainjob', median: (c) => c.claimMax10BatchedPerSecond },
  { name: 'finish_and_claim.max1_vs_bullmq', mode: 'finish_and_claim.max1', peer: 'bullmq', median: (c) => c.finishAndClaimMax1PerSecond },
  { name: 'finish_and_claim.max10_vs_bullmq', mode: 'finish_and_claim.max10', peer: 'bullmq', median: (c) => c.finishAndClaimMax10PerSecond },
  { name: 'finish_and_claim.max1_vs_plainjob', mode: 'finish_and_claim.max1', peer: 'plainjob', median: (c) => c.finishAndClaimMax1PerSecond },
  { name: 'finish_and_claim.max10_vs_plainjob', mode: 'finish_and_claim.max10', peer: 'plainjob', median: (c) => c.finishAndClaimMax10PerSecond },
];

export async function runQueueBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const sample = peerJobCount(jobs);
  const { core, peers } = await runAlternated(sample, reps);
  const medians = recordCoreThroughput(log, sample, core);
  const peerMedians = recordPeers(log, sample, peers);
  recordRatios(log, medians, peerMedians, core, peers);
  measureWalPagesPerJob(log);
  measureStatementsPerJob(log);
  measureSubmitCost(log, reps);
  measureClaimBehindUnrunnable(log, jobs);
  await measureListAtScale(log, jobs * 10);
}

/** Warm-ups first, then `reps` rounds of Gantry's modes followed by each peer. */
async function runAlternated(jobs: number, reps: number): Promise<{ core: CoreRep[]; peers: PeerRep[] }> {
  await warmUpCore(jobs);
  await warmUpPeers(jobs);
  const core: CoreRep[] = [];
  const peers: PeerRep[] = [];
  for (let rep = 0; rep < reps; rep++) {
    core.push(await runCoreRep(jobs));
    peers.push(await runPeerRep(jobs));
  }
  return { core, peers };
}

/**
 * Two ratios per pair: of the medians (the figures as before), and `.paired`, the median of the
 * ratios of runs made in the same round, with min and max. A peer that failed is left out.
 */
function recordRatios(log: FigureLog, medians: CoreThroughput, peerMedians: PeerResults, core: CoreRep[], peers: PeerRep[]): void {
  for (const { name, peer, median } of RATIOS) log.ratio(`queue.${name}`, median(medians), peerMedians[peer]?.processPerSecond);
  log.ratio('queue.submit_vs_bullmq', medians.submitPerSecond, peerMedians.bullmq?.submitPerSecond);
  log.ratio('queue.submit_vs_plainjob', medians.submitPerSecond, peerMedians.plainjob?.submitPerSecond);
  for (const { name, mode, peer } of RATIOS) {
    if (!peerMedians[peer]) continue;
    const paired = core.map((rep, i) => rep.claimPerSecond[mode] / (peers[i][peer] as { processPerSecond: number }).processPerSecond);
    recordSpread(log, `queue.${name}.paired`, spreadOf(paired), 'ratio');
  }
}
