import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Coordinator } from '../../src/core';
import type { FigureLog } from '../lib/figures';
import { withQueuedCoordinator } from './queuedCoordinator';

const JOBS = 200;
/** Claimed and finished before counting, so the indexes' edges sit where a running queue has them. */
const WARM_UP = 200;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/**
 * Database pages written to the WAL per claim and per finish (issue 19). Each page is two write(2)
 * calls at commit and another write when it is checkpointed, and this count, unlike a throughput,
 * does not move with load on the machine: a schema change can be judged by it in one run.
 * Counted from the WAL file's growth, on a coordinator that does not checkpoint in between.
 */
export function measureWalPagesPerJob(log: FigureLog): void {
  withQueuedCoordinator('queue-wal-pages', WARM_UP + 2 * JOBS, (coordinator, worker, dataDir) => {
    claimAndFinishOne(coordinator, worker, WARM_UP);
    const frames = walFrameCounter(dataDir);
    let claimFrames = 0;
    let finishFrames = 0;
    for (let i = 0; i < JOBS; i++) {
      const before = frames();
      const [claimed] = coordinator.claim(worker, { max: 1 });
      const afterClaim = frames();
      coordinator.finish(claimed.job.id, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
      claimFrames += afterClaim - before;
      finishFrames += frames() - afterClaim;
    }
    const beforeBatched = frames();
    for (let done = 0; done < JOBS; done += 10) {
      const results = coordinator.claim(worker, { max: 10 }).map((c) => ({ job_id: c.job.id, attempt: c.attempt, outcome: 'succeeded' as const, exit_code: 0 }));
      coordinator.finishMany({ results });
    }
    log.record('queue.claim.max1.wal_pages', claimFrames / JOBS, 'pages');
    log.record('queue.finish.max1.wal_pages', finishFrames / JOBS, 'pages');
    log.record('queue.claim_finish.max10_batched.wal_pages_per_job', (frames() - beforeBatched) / JOBS, 'pages');
  });
}

function claimAndFinishOne(coordinator: Coordinator, worker: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const [claimed] = coordinator.claim(worker, { max: 1 });
    coordinator.finish(claimed.job.id, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
  }
}

/**
 * Empties the WAL (a checkpoint from a second connection, while the coordinator is between
 * transactions) and returns a reader of how many frames it has gained since.
 */
function walFrameCounter(dataDir: string): () => number {
  const path = join(dataDir, 'gantry.db');
  const side = new Database(path);
  let pageSize: number;
  try {
    pageSize = side.pragma('page_size', { simple: true }) as number;
    side.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    side.close();
  }
  return () => Math.max(0, statSync(`${path}-wal`).size - WAL_HEADER_BYTES) / (pageSize + FRAME_HEADER_BYTES);
}
