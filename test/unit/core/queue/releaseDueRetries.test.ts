import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '../../../../src/core';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
let other: Coordinator | undefined;
beforeEach(() => (h = openHarness()));
afterEach(() => {
  other?.close();
  other = undefined;
  h.cleanup();
});

const claimedIds = (c: Coordinator, workerId: string) => c.claim(workerId, { max: 10 }).map((claimed) => claimed.job.id);

describe('releaseDueRetries', () => {
  it('releases a retry delay that another process set, once it is due, after claims that found none due', () => {
    const worker = addWorker(h.c);
    const job = h.c.submit({ command: ['flaky'], max_attempts: 3, retry_delay_s: 30 });
    // A second coordinator on the same file, as a second `gantry serve` process would be.
    other = createCoordinator({ dataDir: h.dataDir, now: h.clock.now, sweepIntervalMs: null });
    expect(claimedIds(other, worker)).toEqual([job.id]);
    expect(claimedIds(h.c, worker)).toEqual([]);
    other.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    h.clock.advance(29_000);
    expect(claimedIds(h.c, worker)).toEqual([]);
    h.clock.advance(1_000);
    expect(claimedIds(h.c, worker)).toEqual([job.id]);
  });

  it('releases a retry delay this process set while an earlier, later-due delay was pending', () => {
    const worker = addWorker(h.c, { cpus: 100 });
    const slow = h.c.submit({ command: ['slow-retry'], max_attempts: 2, retry_delay_s: 600 });
    const fast = h.c.submit({ command: ['fast-retry'], max_attempts: 2, retry_delay_s: 10 });
    expect(claimedIds(h.c, worker)).toEqual([slow.id, fast.id]);
    h.c.finish(slow.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    expect(claimedIds(h.c, worker)).toEqual([]);
    h.c.finish(fast.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    h.clock.advance(10_000);
    expect(claimedIds(h.c, worker)).toEqual([fast.id]);
    h.clock.advance(590_000);
    expect(claimedIds(h.c, worker)).toEqual([slow.id]);
  });
});
