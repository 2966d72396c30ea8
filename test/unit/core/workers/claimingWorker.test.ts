import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const H100 = { index: 0, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81_559 };
const claimedIds = (workerId: string) => h.c.claim(workerId, { max: 10 }).map((claimed) => claimed.job.id);

describe('the worker a claim reads', () => {
  it('sees tags the worker registered again with, after claims that parsed its old tags', () => {
    const first = h.c.registerWorker({ name: 'w1', cpus: 8, memory_mb: 32_000, tags: ['cpu-only'] });
    const worker = first.id;
    const tagged = h.c.submit({ command: ['train'], requirements: { tags: ['big-mem'] } });
    expect(claimedIds(worker)).toEqual([]);
    const again = h.c.registerWorker({ name: 'w1', cpus: 8, memory_mb: 32_000, tags: ['big-mem'] }, { credential: first.credential as string });
    expect(again.id).toBe(worker);
    expect(claimedIds(worker)).toEqual([tagged.id]);
  });

  it('sees the free GPU memory of the latest heartbeat, after claims that parsed an older one', () => {
    const worker = h.c.registerWorker({ name: 'gpu', cpus: 8, memory_mb: 32_000, gpus: [H100] }).id;
    h.c.heartbeat(worker, { free: { gpus: [{ index: 0, memory_free_mb: 1_000 }] } });
    const shared = h.c.submit({ command: ['infer'], requirements: { gpus: 1, gpu_memory_mb: 20_000 } });
    expect(claimedIds(worker)).toEqual([]);
    h.c.heartbeat(worker, { free: { gpus: [{ index: 0, memory_free_mb: 60_000 }] } });
    expect(claimedIds(worker)).toEqual([shared.id]);
  });

  it('refuses a claim by a worker that does not exist, naming the field', () => {
    expect(() => h.c.claim('no-such-worker')).toThrow(expect.objectContaining({ code: 'not_found', field: 'id' }));
  });
});
