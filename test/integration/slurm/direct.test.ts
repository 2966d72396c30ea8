import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { startSlurmHarness, type SlurmHarness } from './support/slurmHarness';

const finished = (job: Job): boolean => ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(job.state);

describe('per-job mode: each job its own Slurm job, a sweep one array', () => {
  let s: SlurmHarness;

  beforeAll(async () => {
    s = await startSlurmHarness();
    await s.service.add({ name: 'd', login: 'login', max_pilots: 1 });
    s.service.start();
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Holds every CPU of the one node, so what is sent next stays pending for Resources. */
  async function blockTheNode(): Promise<string> {
    const blocker = (await s.slurm.command(['sbatch', '--parsable', '--exclusive', '-o', '/dev/null', '--wrap', 'sleep 600'])).trim();
    onTestFinished(() => s.slurm.command(['scancel', blocker]).then(() => undefined));
    await waitFor(async () => (await s.slurm.command(['squeue', '-h', '-j', blocker, '-o', '%T'])).trim() === 'RUNNING', 'the blocker to run');
    return blocker;
  }

  it('keeps a sweep queued, with squeue\'s reason, while Slurm has its array pending; runs it once Slurm does, the exit codes from Slurm', async () => {
    const blocker = await blockTheNode();
    const jobs = s.h.coordinator.submitBatch(
      [0, 1, 2].map((seed) => ({ name: `direct-${seed}`, command: ['sh', '-c', `echo "seed ${seed} in slurm job $SLURM_ARRAY_JOB_ID task $SLURM_ARRAY_TASK_ID attempt $GANTRY_ATTEMPT"; exit ${seed === 2 ? 3 : 0}`], requirements: { tags: ['slurm-direct:d'] } })),
    );
    // squeue says None until the scheduler has looked at a new job, then Resources.
    const pending = await s.waitForPilots('d', (c) => c.direct_tasks.length === 3 && c.direct_tasks.every((t) => t.state === 'PENDING' && t.reason === 'Resources'), 'the array pending behind the blocker');
    const arrays = new Set(pending.direct_tasks.map((t) => t.slurm_job_id.split('_')[0]));
    expect(arrays.size).toBe(1);
    expect(pending.pilots).toEqual([]);
    expect(jobs.map((j) => s.h.coordinator.getJob(j.id).state)).toEqual(['queued', 'queued', 'queued']);
    const task0 = pending.direct_tasks.find((t) => t.job_id === jobs[0].id)!;
    const why = s.h.coordinator.explain(jobs[0].id);
    expect(why.reasons[0]).toMatchObject({ code: 'pending_in_slurm', cluster: 'd', slurm_job_id: task0.slurm_job_id, slurm_state: 'PENDING', slurm_reason: 'Resources' });
    expect(why.summary).toContain(`the job was sent to Slurm cluster d as job ${task0.slurm_job_id} (pending in Slurm: Resources)`);
    await s.slurm.command(['scancel', blocker]);

    await waitFor(() => jobs.every((j) => finished(s.h.coordinator.getJob(j.id))), 'the array to finish', 90_000);
    const done = jobs.map((j) => s.h.coordinator.getJob(j.id));
    expect(done.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(done[2].exit_code).toBe(3);
    const [arrayId] = [...arrays];
    for (const seed of [0, 1, 2]) {
      expect(s.h.coordinator.readLog(jobs[seed].id, 1).data.toString()).toBe(`seed ${seed} in slurm job ${arrayId} task ${seed} attempt 1\n`);
    }
    expect(s.service.get('d').direct_tasks).toEqual([]);
  });

  it('shows a job running only once Slurm runs it', async () => {
    const job = s.h.coordinator.submit({ name: 'long', command: ['sleep', '600'], requirements: { tags: ['slurm-direct:d'] } });
    onTestFinished(() => void s.h.coordinator.cancel(job.id));
    const task = await waitFor(() => s.service.get('d').direct_tasks.find((t) => t.job_id === job.id && t.state === 'RUNNING'), 'the job running in Slurm');
    await waitFor(() => s.h.coordinator.getJob(job.id).state === 'running', 'the job claimed once Slurm ran it');
    expect(s.h.coordinator.explain(job.id).summary).toContain(`as job ${task.slurm_job_id} (running in Slurm)`);
  });

  it('scancels the Slurm job of a job cancelled in Gantry, whether Slurm runs it or still has it pending', async () => {
    const running = s.h.coordinator.submit({ name: 'long', command: ['sleep', '600'], requirements: { tags: ['slurm-direct:d'] } });
    const task = await waitFor(() => s.service.get('d').direct_tasks.find((t) => t.job_id === running.id && t.state === 'RUNNING'), 'the task running in Slurm');
    await waitFor(() => s.h.coordinator.getJob(running.id).state === 'running', 'the job claimed');
    s.h.coordinator.cancel(running.id);
    await waitFor(async () => !(await s.slurm.command(['squeue', '-h', '-r', '-o', '%i'])).includes(task.slurm_job_id), 'scancel to end the Slurm task');
    await waitFor(() => s.service.get('d').direct_tasks.every((t) => t.job_id !== running.id), 'the task forgotten');
    expect(s.h.coordinator.getJob(running.id).state).toBe('cancelled');
    expect(s.h.coordinator.listAttempts(running.id)[0].outcome).toBe('cancelled');

    await blockTheNode();
    const pending = s.h.coordinator.submit({ name: 'never', command: ['true'], requirements: { tags: ['slurm-direct:d'] } });
    const waiting = await waitFor(() => s.service.get('d').direct_tasks.find((t) => t.job_id === pending.id && t.state === 'PENDING'), 'the job pending in Slurm');
    s.h.coordinator.cancel(pending.id);
    await waitFor(async () => !(await s.slurm.command(['squeue', '-h', '-r', '-o', '%i'])).split('\n').includes(waiting.slurm_job_id), 'scancel to remove the pending job');
    await waitFor(() => s.service.get('d').direct_tasks.length === 0, 'the pending task forgotten');
    expect(s.h.coordinator.listAttempts(pending.id)).toEqual([]);
  });

  it('asks Slurm for the job\'s GPUs (--gres), and fails the job with sbatch\'s words when the cluster has none', async () => {
    const job = s.h.coordinator.submit({ name: 'gpu', command: ['nvidia-smi'], requirements: { gpus: 1, tags: ['slurm-direct:d'] } });
    await waitFor(() => finished(s.h.coordinator.getJob(job.id)), 'sbatch to refuse the GPU job');
    const failed = s.h.coordinator.getJob(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/Slurm cluster d refused the job: .*(gres|generic resource)/i);
    expect(s.service.get('d').error).toBeNull();
  });
});
