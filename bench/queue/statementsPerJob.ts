import type { Coordinator } from '../../src/core';
import { countStatements } from '../../test/support/statementCounter';
import type { FigureLog } from '../lib/figures';
import { claimAndFinish } from './claimAndFinish';
import { withQueuedCoordinator } from './queuedCoordinator';

const JOBS = 1_000;
const WARM_UP = 200;

/**
 * SQLite statements executed per claimed and finished job (issue 19): most of a job's CPU in-process
 * is statement execution, and unlike a time this count does not move with load, so a change to the
 * transitions can be judged by it in one run. `statements_per_job` counts what the code runs itself,
 * BEGIN and COMMIT included; `trigger_statements_per_job` the statements of trigger bodies those ran
 * (a trigger runs its whole body per row it fires on). Counted on a coordinator of its own: the
 * counting adds work, so it is never the one timed.
 */
export function measureStatementsPerJob(log: FigureLog): void {
  withQueuedCoordinator('queue-statements', WARM_UP + 2 * JOBS, (coordinator, worker) => {
    claimAndFinish(coordinator, worker, WARM_UP, { max: 10, batched: true });
    record(log, 'queue.claim_finish.max1', coordinator, worker, 1);
    record(log, 'queue.claim_finish.max10_batched', coordinator, worker, 10);
  });
}

function record(log: FigureLog, figure: string, coordinator: Coordinator, worker: string, max: number): void {
  const count = countStatements(() => claimAndFinish(coordinator, worker, JOBS, { max, batched: true }));
  log.record(`${figure}.statements_per_job`, count.top / JOBS, 'statements');
  log.record(`${figure}.trigger_statements_per_job`, count.trigger / JOBS, 'statements');
}
