import { describe, expect, it } from 'vitest';
import type { QueueEvent, Suite } from '../../../src/shared';
import { suiteEventEffect, suitesInFlight } from '../../../src/renderer/src/logic/suiteEvents';

let nextId = 1;
const event = (type: QueueEvent['type'], data: Record<string, unknown> = {}, jobId: number | null = null): QueueEvent => ({ id: nextId++, at: 0, type, job_id: jobId, worker_id: null, data });

const suite = (state: Suite['state'], counts: Partial<Suite['counts']> = {}): Suite => ({
  id: 1, name: 's', project: 'default', labels: {}, tags: [], priority: 0, setup: null, cleanup: null, state, idle_close_s: null,
  counts: { total: 0, waiting: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, blocked: 0, ...counts },
  workers: [], created_at: 0, last_activity_at: 0, closed_at: null, closed_by: null,
});

describe('the Suites page following events', () => {
  it('reloads the list on every suite event and names the suites with a new hook run', () => {
    const effect = suiteEventEffect([
      event('suite.created', { suite_id: 1, name: 'a' }),
      event('suite.hook', { suite_id: 2, hook: 'setup', outcome: 'succeeded', run_id: 7 }),
      event('suite.closed', { suite_id: 1, name: 'a', by: 'hand', cancelled_jobs: 2 }),
    ], false);
    expect(effect.reloadList).toBe(true);
    expect([...effect.hookRunsOf]).toEqual([2]);
  });

  it('reloads on job events only while some suite can count them', () => {
    const moved = [event('job.succeeded', {}, 5)];
    expect(suiteEventEffect(moved, true).reloadList).toBe(true);
    expect(suiteEventEffect(moved, false).reloadList).toBe(false);
    expect(suiteEventEffect([event('worker.state')], true).reloadList).toBe(false);
  });

  it('counts a suite in flight while it is open or has jobs not yet ended', () => {
    expect(suitesInFlight([suite('open')])).toBe(true);
    expect(suitesInFlight([suite('closed', { running: 1 })])).toBe(true);
    expect(suitesInFlight([suite('closed', { succeeded: 3, cancelled: 1 })])).toBe(false);
    expect(suitesInFlight([])).toBe(false);
  });
});
