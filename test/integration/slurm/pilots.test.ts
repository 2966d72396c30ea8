import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminToken } from '../../../src/server';
import type { Job } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { startSlurmHarness, type SlurmHarness } from './support/slurmHarness';

const finished = (job: Job): boolean => ['succeeded', 'failed', 'cancelled'].includes(job.state);

describe('pilot agents on a real Slurm', () => {
  let s: SlurmHarness;

  beforeAll(async () => {
    s = await startSlurmHarness();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a cluster whose login node is not a known host, naming the field', async () => {
    await expect(s.service.add({ name: 'nowhere', login: 'no-such-host' })).rejects.toMatchObject({ field: 'login' });
    await expect(s.service.add({ name: 'bad', login: 'login', min_pilots: 3, max_pilots: 2 })).rejects.toMatchObject({ field: 'min_pilots' });
    expect(s.service.list()).toEqual([]);
  });

  it('adds a cluster whose login node answers squeue, with no pilot while nothing waits', async () => {
    const cluster = await s.service.add({ name: 'c1', login: 'login', max_pilots: 2, jobs_per_pilot: 2, idle_timeout_s: 4, time_limit_min: 30 });
    expect(cluster).toMatchObject({ name: 'c1', login: 'login', error: null, demand: 0, pilots: [], idle_timeout_s: 4 });
  });

  it('updates the cluster in place through the server\'s API, whose pass reaches the same login node', async () => {
    // The server drives the clusters the test drives: one launcher per coordinator, as `gantry serve` runs.
    const admin = ensureAdminToken(s.h.coordinator, s.h.dataDir).token;
    const response = await s.h.server.app.inject({
      method: 'POST',
      url: '/api/v1/slurm',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'c1', login: 'login', max_pilots: 2, jobs_per_pilot: 2, idle_timeout_s: 4, time_limit_min: 30 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'c1', error: null, demand: 0, pilots: [] });
  });

  it('says a job waits for a pilot pending in Slurm, with squeue\'s reason', async () => {
    // Every CPU of the one node held by another Slurm job: the pilot waits for Resources.
    const blocker = (await s.slurm.command(['sbatch', '--parsable', '--exclusive', '--job-name=blocker', '-o', '/dev/null', '--wrap', 'sleep 600'])).trim();
    await waitFor(async () => (await s.slurm.command(['squeue', '-h', '-j', blocker, '-o', '%T'])).trim() === 'RUNNING', 'the blocker to run');
    const job = s.h.coordinator.submit({ name: 'first', command: ['true'], requirements: { tags: ['slurm:c1'] } });
    await s.service.reconcile('c1');
    await s.service.reconcile('c1');
    const pending = await s.waitForPilots('c1', (c) => c.pilots.length === 1 && c.pilots[0].state === 'PENDING' && c.pilots[0].reason === 'Resources', 'a pilot pending for Resources');
    expect(pending.pilots[0].slurm_job_id).toMatch(/^\d+_0$/);
    expect(s.h.coordinator.explain(job.id).reasons[0]).toMatchObject({ code: 'waiting_for_pilot', cluster: 'c1', message: 'waiting for a pilot on cluster c1 (pending in Slurm: Resources)' });
    await s.slurm.command(['scancel', blocker]);
    s.service.start();
    await waitFor(() => finished(s.h.coordinator.getJob(job.id)), 'the first job to finish');
    expect(s.h.coordinator.getJob(job.id).state).toBe('succeeded');
  });

  it('runs a sweep on pilots started with sbatch, each its own worker beside its Slurm job id', async () => {
    const jobs = s.h.coordinator.submitBatch(
      Array.from({ length: 6 }, (_, i) => ({ name: `sweep-${i}`, command: ['sh', '-c', `echo "seed ${i} on $(hostname)"; sleep 1`], requirements: { tags: ['slurm:c1'] } })),
    );
    const withTwo = await s.waitForPilots('c1', (c) => c.pilots.length === 2, 'two pilots for six jobs (two jobs per pilot, at most two pilots)');
    expect(withTwo.demand).toBeGreaterThan(0);
    await waitFor(() => jobs.every((j) => finished(s.h.coordinator.getJob(j.id))), 'the sweep to finish', 90_000);
    const done = jobs.map((j) => s.h.coordinator.getJob(j.id));
    expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'succeeded'));
    expect(s.h.coordinator.readLog(jobs[3].id, 1).data.toString()).toContain('seed 3 on');
    const workers = new Set(done.map((j) => j.worker_id));
    const cluster = s.service.get('c1');
    for (const id of workers) {
      const worker = s.h.coordinator.getWorker(id!);
      expect(worker.name).toMatch(/^c1-\d+_\d+$/);
      expect(worker.tags).toContain('slurm:c1');
      // sbatch --cpus-per-task=1 on a node of more: the pilot offers the one CPU Slurm gave it.
      expect(worker.cpus).toBe(1);
      const pilot = cluster.pilots.find((p) => p.worker_name === worker.name);
      if (pilot) expect(pilot.worker_id).toBe(worker.id);
    }
  });

  it('lets idle pilots exit after the idle timeout, and submits none while nothing waits', async () => {
    const idle = await s.waitForPilots('c1', (c) => c.pilots.length === 0 && c.demand === 0, 'the idle pilots to exit', 60_000);
    expect(idle.error).toBeNull();
    const pilots = s.h.coordinator.listWorkers().filter((w) => w.name.startsWith('c1-'));
    expect(pilots.length).toBeGreaterThan(0);
    await waitFor(() => s.h.coordinator.listWorkers().filter((w) => w.name.startsWith('c1-')).every((w) => w.state === 'offline'), 'the pilots deregistered');
  });

  it('re-queues the job of a pilot scancel ended, as a lost attempt, and a new pilot finishes it', { timeout: 240_000 }, async () => {
    // exec: the first attempt's process is the sleep itself. With `… && sleep 600; echo …`, Slurm's
    // SIGTERM could reach the sleep before the shell, which then echoed and exited 0: a succeeded
    // first attempt, and a test waiting for a lost one until its timeout (seen at load 15).
    const job = s.h.coordinator.submit({ name: 'long', command: ['sh', '-c', 'if [ "$GANTRY_ATTEMPT" = 1 ]; then exec sleep 600; fi; echo attempt $GANTRY_ATTEMPT'], requirements: { tags: ['slurm:c1'] } });
    const running = await waitFor(() => {
      const j = s.h.coordinator.getJob(job.id);
      return j.state === 'running' && j;
    }, 'the job running on a pilot');
    const worker = s.h.coordinator.getWorker(running.worker_id!);
    // The pilot may have registered before the next squeue pass saw it run.
    const pilot = await waitFor(() => s.service.get('c1').pilots.find((p) => p.worker_name === worker.name && p.state === 'RUNNING'), 'squeue to show the pilot running');
    expect(s.h.coordinator.getWorker(worker.id).slurm).toEqual({ cluster: 'c1', job_id: pilot.slurm_job_id, state: 'RUNNING', reason: null });
    await s.slurm.command(['scancel', pilot.slurm_job_id]);
    const first = await waitFor(() => {
      const attempt = s.h.coordinator.listAttempts(job.id)[0];
      return attempt.outcome !== null && attempt;
    }, 'the first attempt to end', 90_000);
    expect(first.outcome).toBe('lost');
    await waitFor(() => s.h.coordinator.getJob(job.id).state === 'succeeded', 'the job finished by a new pilot', 90_000);
    const attempts = s.h.coordinator.listAttempts(job.id);
    expect(attempts[0].worker_id).toBe(worker.id);
    expect(attempts[1].worker_id).not.toBe(worker.id);
    expect(s.h.coordinator.getJob(job.id).lost_attempts).toBe(1);
  });

  it('hands back what a pilot cannot finish before its wall time ends', async () => {
    // One minute of wall time: it claims for 5 s, then hands back at 10 s.
    await s.service.add({ name: 'short', login: 'login', max_pilots: 1, time_limit_min: 1, wind_down_s: 55, hand_back_s: 50, idle_timeout_s: 300 });
    const job = s.h.coordinator.submit({ name: 'too-long', command: ['sleep', '600'], requirements: { tags: ['slurm:short'] } });
    await waitFor(() => s.h.coordinator.getJob(job.id).state === 'running', 'the job running on the short pilot');
    const attempt = await waitFor(() => {
      const first = s.h.coordinator.listAttempts(job.id)[0];
      return first.outcome !== null && first;
    }, 'the first attempt to end', 60_000);
    expect(attempt.outcome).toBe('lost');
    expect(attempt.error).toMatch(/handed it back/);
    s.h.coordinator.cancel(job.id);
    const removed = await s.service.remove('short');
    expect(removed.removed).toBe(true);
  });
});
