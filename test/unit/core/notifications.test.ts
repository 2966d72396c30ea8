import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SweepTracker } from '../../../src/core/notifications/sweepTracker';
import { openHarness, type Harness } from '../../support/coordinator';

const MINUTE = 60_000;

describe('SweepTracker', () => {
  it('reports a sweep once every job of it is final, counting those that did not succeed', () => {
    const sweeps = new SweepTracker();
    for (const id of [1, 2, 3]) sweeps.submitted(id, 'p', 1000);
    sweeps.submitted(4, 'p', 2000);
    expect(sweeps.finished(1, false)).toBeNull();
    expect(sweeps.finished(2, true)).toBeNull();
    expect(sweeps.finished(4, false)).toBeNull();
    expect(sweeps.finished(3, false)).toEqual({ project: 'p', jobs: 3, failed: 1 });
    expect(sweeps.finished(3, false)).toBeNull();
  });

  it('waits for a retried job to end again', () => {
    const sweeps = new SweepTracker();
    sweeps.submitted(1, 'p', 1000);
    sweeps.submitted(2, 'p', 1000);
    sweeps.finished(1, true);
    sweeps.retried(1);
    expect(sweeps.finished(2, false)).toBeNull();
    expect(sweeps.finished(1, false)).toEqual({ project: 'p', jobs: 2, failed: 0 });
  });
});

describe('idle-gpu notifications', () => {
  let h: Harness;
  beforeEach(() => {
    h = openHarness();
  });
  afterEach(() => h.cleanup());

  it('queues a delivery when an attempt’s GPU is flagged idle, for a rule of that project', () => {
    h.c.createProject({ name: 'vision' });
    h.c.operations.notifications.addRule({ on: 'idle-gpu', project: 'vision', webhook: 'http://127.0.0.1:9/hook' });
    h.c.operations.notifications.addRule({ on: 'idle-gpu', project: 'default', webhook: 'http://127.0.0.1:9/other' });
    const worker = h.c.registerWorker({ name: 'box', cpus: 8, memory_mb: 8000, gpus: [{ index: 0, model: 'T4', memory_total_mb: 15_360 }] }).id;
    const job = h.c.submit({ project: 'vision', command: ['train'], requirements: { gpus: 1 } });
    h.c.claim(worker, { max: 1 });
    for (let i = 0; i < 16; i++) {
      h.clock.advance(MINUTE);
      h.c.heartbeat(worker, { gpu_samples: [{ index: 0, utilization_pct: 0, memory_used_mb: 10, memory_total_mb: 15_360, temperature_c: 30, power_w: 20 }] });
    }
    expect(h.c.operations.detectIdleGpus()).toBe(1);
    const log = h.c.operations.notifications.deliveries();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ on: 'idle-gpu', state: 'pending', title: `Job #${job.id} holds an idle GPU` });
    expect(log[0].text).toContain('for 15 minutes');
  });
});
