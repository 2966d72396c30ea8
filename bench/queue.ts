/**
 * `npm run bench -- queue`: the coordinator core in-process, with the listeners `gantry serve`
 * subscribes (submit, claim+finish) against BullMQ and plainjob measured in the same run on the
 * same job count, the database pages a claim and a finish write, the claim of a CPU job behind
 * 100,000 GPU jobs a CPU-only worker cannot run, then list latency, database size and RSS at ten
 * times the job count (1,000,000 jobs by default).
 */
import type { BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { peerJobCount, runPeers } from './peers';
import { measureCoreThroughput } from './queue/coreThroughput';
import { measureListAtScale } from './queue/measureListAtScale';
import { measureClaimBehindUnrunnable } from './queue/claimBehindUnrunnable';
import { measureWalPagesPerJob } from './queue/walPagesPerJob';

export async function runQueueBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const sample = peerJobCount(jobs);
  const core = await measureCoreThroughput(log, sample, reps);
  const peers = await runPeers(log, sample, reps);
  log.ratio('queue.claim_finish.max1_vs_bullmq', core.claimMax1PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max10_vs_bullmq', core.claimMax10PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max10_batched_vs_bullmq', core.claimMax10BatchedPerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.claim_finish.max1_vs_plainjob', core.claimMax1PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.claim_finish.max10_vs_plainjob', core.claimMax10PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.claim_finish.max10_batched_vs_plainjob', core.claimMax10BatchedPerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.finish_and_claim.max1_vs_bullmq', core.finishAndClaimMax1PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.finish_and_claim.max10_vs_bullmq', core.finishAndClaimMax10PerSecond, peers.bullmq?.processPerSecond);
  log.ratio('queue.finish_and_claim.max1_vs_plainjob', core.finishAndClaimMax1PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.finish_and_claim.max10_vs_plainjob', core.finishAndClaimMax10PerSecond, peers.plainjob?.processPerSecond);
  log.ratio('queue.submit_vs_bullmq', core.submitPerSecond, peers.bullmq?.submitPerSecond);
  log.ratio('queue.submit_vs_plainjob', core.submitPerSecond, peers.plainjob?.submitPerSecond);
  measureWalPagesPerJob(log);
  measureClaimBehindUnrunnable(log, jobs);
  await measureListAtScale(log, jobs * 10);
}
