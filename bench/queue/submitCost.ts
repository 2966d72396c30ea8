import { noOpJob } from './benchJobs';
import type { FigureLog } from '../lib/figures';
import { recordSpread, spreadOf, type Spread } from '../lib/repeat';
import { withQueuedCoordinator } from './queuedCoordinator';

const HELD = 20_000;
const BATCH = 5_000;

/**
 * CPU per job of one `submitBatch` of 5,000 no-op jobs into a coordinator already holding 20,000
 * (issue 19): the batch is one transaction, so while it runs the server's event loop serves no claim.
 * CPU time, not wall time, so others' load on the machine moves it less. The first 20,000 are
 * submitted the same way, which warms the JIT and the statement cache before the timed batches.
 */
export function submitCpuUsPerJob(reps: number): Spread {
  const samples: number[] = [];
  withQueuedCoordinator('queue-submit-cost', HELD, (coordinator) => {
    for (let rep = 0; rep < reps; rep++) {
      const specs = Array.from({ length: BATCH }, (_, i) => noOpJob(HELD + rep * BATCH + i));
      const before = process.cpuUsage();
      coordinator.submitBatch(specs);
      const cpu = process.cpuUsage(before);
      samples.push((cpu.user + cpu.system) / BATCH);
    }
  });
  return spreadOf(samples);
}

/** `queue.submit.us_per_job` with its min and max over `reps` batches. */
export function measureSubmitCost(log: FigureLog, reps: number): void {
  recordSpread(log, 'queue.submit.us_per_job', submitCpuUsPerJob(reps), 'µs');
}
