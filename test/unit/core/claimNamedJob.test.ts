import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../../src/shared';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

describe('claimNamedJob (a bridge worker claims the job its other scheduler started)', () => {
  it.each(JOB_STATES.filter((s) => s !== 'queued'))('claims nothing from %s', (state) => {
    const job = makeJob(h.c, state);
    const bridge = addWorker(h.c, { name: 'c-direct', tags: ['slurm-direct:c'] });
    expect(h.c.claimJob(bridge, job.id)).toBeNull();
    expect(h.c.getJob(job.id).state).toBe(state);
  });

  it('claims that queued job, not the one ahead of it, with no GPU of its own even for a GPU job', () => {
    const bridge = addWorker(h.c, { name: 'c-direct', cpus: 1, memory_mb: 10, tags: ['slurm-direct:c'] });
    const ahead = h.c.submit({ command: ['a'], priority: 10, requirements: { tags: ['slurm-direct:c'] } });
    const started = h.c.submit({ command: ['b'], requirements: { gpus: 2, cpus: 8, tags: ['slurm-direct:c'] } });
    const claimed = h.c.claimJob(bridge, started.id);
    expect(claimed).toMatchObject({ attempt: 1, gpus: [], cuda_visible_devices: '' });
    expect(h.c.getJob(started.id)).toMatchObject({ state: 'running', worker_id: bridge, attempt: 1 });
    expect(h.c.getJob(ahead.id).state).toBe('queued');
    expect(h.c.listAttempts(started.id)).toHaveLength(1);
  });

  it('refuses a job whose tags the worker lacks, naming the job', () => {
    const other = addWorker(h.c, { tags: ['gpu'] });
    const job = h.c.submit({ command: ['x'], requirements: { tags: ['slurm-direct:c'] } });
    expect(() => h.c.claimJob(other, job.id)).toThrow(/lacks the tags job \d+ requires/);
    expect(h.c.getJob(job.id).state).toBe('queued');
  });
});
