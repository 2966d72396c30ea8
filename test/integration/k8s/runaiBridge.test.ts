import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubernetesCluster, Worker } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { stdoutText } from '../cli/harness';
import { useStandinServe } from './standinServe';

const standin = useStandinServe('runai', { RUNAI_STANDIN_PROJECT: 'research' }, 'rai');
const { gantry, api, jobIn, submit, calls, unexpected } = standin;

// Each step spawns the CLI, whose start alone takes seconds on a loaded machine.
describe('the Run:ai backend: direct jobs as Run:ai workloads through the runai CLI', { timeout: 180_000 }, () => {
  it('refuses a project runai cannot list, naming the field', async () => {
    const result = await gantry(['k8s', 'add', 'rai', '--context', 'lab', '--image', 'python:3.12', '--runai-project', 'elsewhere']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/runai_project elsewhere/);
  });

  it('adds the cluster, whose bridge worker gantry serve starts by itself', async () => {
    const added = await gantry(['k8s', 'add', 'rai', '--context', 'lab', '--image', 'python:3.12', '--gpus', '4', '--runai-project', 'research']);
    expect(added.stderr).toBe('');
    expect((await api<KubernetesCluster>('/api/v1/k8s/rai')).backend).toBe('runai');
    await waitFor(async () => (await api<Worker[]>('/api/v1/workers')).some((worker) => worker.name === 'k8s-rai' && worker.state === 'online'), 'the bridge worker to come online', 60_000);
  });

  it('submits with runai submit (GPUs, env, command), follows runai logs and ends with the listed status', async () => {
    const id = await submit(['--name', 'train', '--gpus', '2', '--env', 'SEED=7', '--', 'python', 'train.py']);
    expect(await jobIn(id, ['succeeded', 'failed'])).toMatchObject({ state: 'succeeded', exit_code: 0 });
    const submitCall = calls().find((call) => call[0] === 'submit' && call[1] === `gantry-${id}-1`);
    expect(submitCall?.slice(0, 8)).toEqual(['submit', `gantry-${id}-1`, '-p', 'research', '-i', 'python:3.12', '-g', '2']);
    expect(submitCall).toContain('SEED=7');
    expect(submitCall).toContain(`GANTRY_JOB_ID=${id}`);
    expect(submitCall?.slice(-4)).toEqual(['--command', '--', 'python', 'train.py']);
    expect(calls()).toContainEqual(['logs', `gantry-${id}-1`, '-p', 'research', '--follow']);
    expect(stdoutText(await gantry(['logs', String(id)]))).toContain('epoch 2\n');
    const metrics = await api<Array<{ name: string; value: number }>>(`/api/v1/jobs/${id}/metrics`);
    expect(metrics.map((point) => point.value)).toEqual([0.5]);
  });

  it('fails the job when Run:ai lists the workload Failed', async () => {
    const id = await submit(['--', 'python', 'fail.py']);
    const job = await jobIn(id, ['failed']);
    expect(job.error).toMatch(/Run:ai workload gantry-\d+-1 ended Failed/);
  });

  it('deletes the workload with runai delete job when the job is cancelled', async () => {
    const id = await submit(['--', 'python', 'forever.py']);
    await jobIn(id, ['running']);
    expect((await gantry(['cancel', String(id)])).code).toBe(0);
    await waitFor(() => existsSync(join(standin.state, `deleted-gantry-${id}-1`)), `the workload of ${id} to be deleted`, 60_000);
    expect(calls()).toContainEqual(['delete', 'job', `gantry-${id}-1`, '-p', 'research']);
    await jobIn(id, ['cancelled']);
  });

  it('refuses a job with secret env values rather than putting them on runai\'s command line', async () => {
    const id = await submit(['--env', 'TOKEN=s3cr3t', '--secret-env', 'TOKEN', '--', 'python', 'train.py']);
    const job = await jobIn(id, ['failed']);
    expect(job.error).toMatch(/secret env/);
    expect(JSON.stringify(calls())).not.toContain('s3cr3t');
  });

  it('made no runai call the stand-in did not expect', () => {
    expect(unexpected()).toBe('');
  });
});
