import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator, type Coordinator } from '../../src/core';
import type { FigureLog } from '../lib/figures';
import { perSecond } from '../lib/stats';
import { benchProjects, benchTags, submitInChunks, sweepJob } from './benchJobs';
import { registerBenchWorker } from './claimAndFinish';
import { copyJobs } from './copyJobs';

/** Share of jobs that end up finished, so state filters see a realistic mix, not one state. */
const FINISHED_SHARE = 0.05;
const RUNNING = 500;
const CANCELLED = 1_000;
const PAGE = 1_000;

/**
 * Jobs submitted through the core before the rest are bulk-copied from them: a multiple of sweepJob's
 * period (8 projects and tags, 3 priorities, 100 seeds × 5 learning rates) so copies are exact.
 */
const SUBMITTED = 24_000;

/**
 * Builds a database of `size` sweep-like jobs: up to SUBMITTED through the core (submitBatch in chunks,
 * timed as queue.large.submit.*), the rest copied from those in bulk (copyJobs), so a million jobs take
 * seconds, not the minutes a million submits would. Then gives some of them other states through the
 * core, and walks the newest-first listing to collect cursors deep in it.
 * Returns those cursors; the database is closed so another process can open it.
 */
export function buildLargeQueue(log: FigureLog, dataDir: string, size: number): string[] {
  const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
  try {
    for (const name of benchProjects()) coordinator.createProject({ name });
    const submitted = Math.min(size, SUBMITTED);
    const submitMs = submitInChunks((specs) => coordinator.submitBatch(specs), submitted, sweepJob);
    log.record('queue.large.jobs', size, 'jobs');
    log.record('queue.large.submit.seconds', submitMs / 1000, 's');
    log.record('queue.large.submit.jobs_per_s', perSecond(submitted, submitMs), 'jobs/s');
    const copyStart = performance.now();
    copyJobs(dataDir, submitted, size);
    log.record('queue.large.bulk_copy.seconds', (performance.now() - copyStart) / 1000, 's');
    mixStates(coordinator, size);
    return collectDeepCursors(coordinator, size);
  } finally {
    coordinator.close();
  }
}

function mixStates(coordinator: Coordinator, size: number): void {
  const workerId = registerBenchWorker(coordinator, 'bench-worker', benchTags());
  let finished = 0;
  const toFinish = Math.floor(size * FINISHED_SHARE);
  while (finished < toFinish) {
    for (const c of coordinator.claim(workerId, { max: Math.min(100, toFinish - finished) })) {
      const failed = finished++ % 10 === 0;
      coordinator.finish(c.job.id, { attempt: c.attempt, outcome: failed ? 'failed' : 'succeeded', exit_code: failed ? 1 : 0 });
    }
  }
  coordinator.claim(workerId, { max: Math.min(RUNNING, size / 100) });
  const newestQueued = coordinator.listJobs({ state: 'queued', limit: Math.min(CANCELLED, size / 200) });
  for (const job of newestQueued.jobs) coordinator.cancel(job.id, 'bench');
}

/** Cursors of the pages between a quarter and half way down the default (newest first) listing. */
function collectDeepCursors(coordinator: Coordinator, size: number): string[] {
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let depth = 0; depth < size / 2; depth += PAGE) {
    const page = coordinator.listJobs({ limit: PAGE, cursor });
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
    if (depth >= size / 4) cursors.push(cursor);
  }
  if (cursors.length === 0) throw new Error(`no deep cursors in a queue of ${size} jobs`);
  return cursors;
}

/** Bytes of the database file and its WAL, in MB. */
export function databaseSizeMb(dataDir: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(join(dataDir, `gantry.db${suffix}`)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return bytes / 2 ** 20;
}
