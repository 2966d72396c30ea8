import { createCoordinator, type Coordinator } from '../../src/core';
import { makeTempDir } from '../lib/tempDir';
import { noOpJob, submitInChunks } from './benchJobs';
import { registerBenchWorker } from './claimAndFinish';

/**
 * A coordinator of its own in a temp dir, without the sweeper, with `jobs` no-op jobs queued and
 * one bench worker registered: what a counting figure measures on, never the timed coordinator
 * (counting adds work). Closed and its dir removed after `measure`, whatever it throws.
 */
export function withQueuedCoordinator(label: string, jobs: number, measure: (coordinator: Coordinator, worker: string, dataDir: string) => void): void {
  const dir = makeTempDir(label);
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null });
  try {
    submitInChunks((specs) => coordinator.submitBatch(specs), jobs, noOpJob);
    measure(coordinator, registerBenchWorker(coordinator, 'bench-worker'), dir.path);
  } finally {
    coordinator.close();
    dir.remove();
  }
}
