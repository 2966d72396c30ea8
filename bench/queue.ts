/**
 * `npm run bench -- queue`: the coordinator core in-process (submit, claim+finish) against
 * BullMQ and plainjob measured in the same run, the claim of a CPU job behind 100,000 GPU jobs a
 * CPU-only worker cannot run, then list latency, database size and RSS at
 * ten times the job count (1,000,000 jobs by default).
 */
import type { FigureLog } from './lib/figures';
import { peerJobCount, runPeers } from './peers';
import { measureCoreThroughput } from './queue/coreThroughput';
import { measureListAtScale } from './queue/measureListAtScale';
import { measureClaimBehindUnrunnable } from './queue/claimBehindUnrunnable';

export async function runQueueBench(log: FigureLog, jobs: number): Promise<void> {
  const core = measureCoreThroughput(log, jobs);
  measureClaimBehindUnrunnable(log, jobs);
  const peers = await runPeers(log, peerJobCount(jobs));
  log.ratio('queue.claim_finish.max1_vs_bullmq', core.claimMax1PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max10_vs_bullmq', core.claimMax10PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max10_batched_vs_bullmq', core.claimMax10BatchedPerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max1_vs_plainjob', core.claimMax1PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.claim_finish.max10_vs_plainjob', core.claimMax10PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.claim_finish.max10_batched_vs_plainjob', core.claimMax10BatchedPerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.submit_vs_bullmq', core.submitPerSecond, peers.bullmq?.submitPerSecond);
  log.ratio('queue.submit_vs_plainjob', core.submitPerSecond, peers.plainjob?.submitPerSecond);
  await measureListAtScale(log, jobs * 10);
}
