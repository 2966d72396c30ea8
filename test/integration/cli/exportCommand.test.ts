import { Job } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

function validKubernetesJob(text: string): Job {
  const job = new Job(parse(text) as ConstructorParameters<typeof Job>[0]);
  job.validate();
  return job;
}

describe('gantry export', () => {
  it('prints a queued job as a Kubernetes Job linked back to it', async () => {
    const job = t.coordinator.submit({ command: ['python', 'eval.py'], requirements: { gpus: 1 } });
    const result = await t.gantry(['export', '--format', 'k8s', '--image', 'python:3.12', String(job.id)]);
    expect(result.stderr).toBe('');
    const manifest = validKubernetesJob(stdoutText(result));
    expect(manifest.metadata?.labels?.['gantry.dev/job-id']).toBe(String(job.id));
    expect(manifest.metadata?.annotations?.['gantry.dev/url']).toBe(`${t.server.url}/api/v1/jobs/${job.id}`);
    expect(manifest.spec?.template.spec?.containers[0].command).toEqual(['python', 'eval.py']);
  });

  it('prints an sbatch script for a job described with the submit flags, without a coordinator', async () => {
    const result = await t.gantry(['export', '--format', 'slurm', '--partition', 'gpu', '--gpus', '2', '--timeout', '3600', '--', 'python', 'train.py', '--epochs', '3'], { GANTRY_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(0);
    expect(stdoutText(result)).toMatch(/^#!\/bin\/bash\n#SBATCH --job-name=python_train.py_--epochs_3\n#SBATCH --partition=gpu\n#SBATCH --time=01:00:00\n/);
    expect(stdoutText(result)).toContain('#SBATCH --gres=gpu:2\n');
    expect(stdoutText(result)).toContain('\nexec python train.py --epochs 3\n');
  });

  it('prints a sweep as an Indexed Job', async () => {
    const result = await t.gantry(['export', '--format', 'k8s', '--image', 'python:3.12', '--sweep', 'python train.py --lr {lr}', '--param', 'lr=1e-3,3e-4', '--gpus', '1']);
    expect(result.stderr).toBe('');
    expect(validKubernetesJob(stdoutText(result)).spec).toMatchObject({ completionMode: 'Indexed', completions: 2 });
  });

  it('refuses an unknown format and a container format without an image, saying what to give', async () => {
    const unknown = await t.gantry(['export', '--format', 'nomad', '--', 'true']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--format.*expected one of k8s, runai, slurm, shell/);
    const noImage = await t.gantry(['export', '--format', 'runai', '--', 'true']);
    expect(noImage.code).not.toBe(0);
    expect(noImage.stderr).toMatch(/--image IMAGE/);
  });
});
