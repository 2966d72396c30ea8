import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { startSlurmHarness, type SlurmHarness } from './support/slurmHarness';

const finished = (job: Job): boolean => ['succeeded', 'failed', 'cancelled'].includes(job.state);

describe('per-job mode: each job its own Slurm array task', () => {
  let s: SlurmHarness;

  beforeAll(async () => {
    s = await startSlurmHarness();
    await s.service.add({ name: 'd', login: 'login', max_pilots: 1 });
    s.service.start();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('runs a sweep as one job array, mirrors its states from squeue and streams each output back as the log', async () => {
    const blocker = (await s.slurm.command(['sbatch', '--parsable', '--exclusive', '-o', '/dev/null', '--wrap', 'sleep 600'])).trim();
    onTestFinished(() => s.slurm.command(['scancel', blocker]).then(() => undefined));
    const jobs = s.h.coordinator.submitBatch(
      [0, 1, 2].map((seed) => ({ name: `direct-${seed}`, command: ['sh', '-c', `echo "seed ${seed} in slurm job $SLURM_ARRAY_JOB_ID task $SLURM_ARRAY_TASK_ID"; exit ${seed === 2 ? 3 : 0}`], requirements: { tags: ['slurm-direct:d'] } })),
    );
    // squeue says None until the scheduler has looked at a new job, then Resources.
    const pending = await s.waitForPilots('d', (c) => c.direct_tasks.length === 3 && c.direct_tasks.every((t) => t.state === 'PENDING' && t.reason === 'Resources'), 'the array pending behind the blocker');
    const arrays = new Set(pending.direct_tasks.map((t) => t.slurm_job_id.split('_')[0]));
    expect(arrays.size).toBe(1);
    expect(pending.pilots).toEqual([]);
    const task0 = pending.direct_tasks.find((t) => t.job_id === jobs[0].id)!;
    expect(s.h.coordinator.explain(jobs[0].id).summary).toContain(`the job was sent to Slurm cluster d as job ${task0.slurm_job_id} (pending in Slurm: Resources)`);
    await s.slurm.command(['scancel', blocker]);

    await waitFor(() => jobs.every((j) => finished(s.h.coordinator.getJob(j.id))), 'the array to finish', 90_000);
    const done = jobs.map((j) => s.h.coordinator.getJob(j.id));
    expect(done.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(done[2].exit_code).toBe(3);
    const [arrayId] = [...arrays];
    for (const seed of [0, 1, 2]) {
      expect(s.h.coordinator.readLog(jobs[seed].id, 1).data.toString()).toBe(`seed ${seed} in slurm job ${arrayId} task ${seed}\n`);
    }
    expect(s.service.get('d').direct_tasks).toEqual([]);
  });

  it('scancels the Slurm task of a job cancelled in Gantry', async () => {
    const job = s.h.coordinator.submit({ name: 'long', command: ['sleep', '600'], requirements: { tags: ['slurm-direct:d'] } });
    const task = await waitFor(() => s.service.get('d').direct_tasks.find((t) => t.job_id === job.id && t.state === 'RUNNING'), 'the task running in Slurm');
    s.h.coordinator.cancel(job.id);
    await waitFor(async () => !(await s.slurm.command(['squeue', '-h', '-r', '-o', '%i'])).includes(task.slurm_job_id), 'scancel to end the Slurm task');
    await waitFor(() => s.service.get('d').direct_tasks.length === 0, 'the task forgotten');
    expect(s.h.coordinator.getJob(job.id).state).toBe('cancelled');
    expect(s.h.coordinator.listAttempts(job.id)[0].outcome).toBe('cancelled');
  });
});
