import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { formatKubernetesJob, modelFromJob, type Job as GantryJob } from '../../../../src/shared';
import { MODELS } from './models';

const IMAGE = 'nvcr.io/nvidia/pytorch:24.08-py3';

/** kubernetes-models' validators are compiled (with ajv) from the Kubernetes OpenAPI spec; validate() throws listing every violation. */
function validateJob(manifest: unknown): void {
  new Job(manifest as ConstructorParameters<typeof Job>[0]).validate();
}

describe.each(Object.entries(MODELS))('the Kubernetes Job for the %s job', (_kind, model) => {
  it('validates against the batch/v1 Job schema', () => {
    expect(() => validateJob(formatKubernetesJob(model(), { image: IMAGE, namespace: 'research' }))).not.toThrow();
  });

  it('never writes a secret env value', () => {
    expect(JSON.stringify(formatKubernetesJob(model(), { image: IMAGE }))).not.toContain('must-not-appear');
  });
});

describe('formatKubernetesJob', () => {
  it('the schema check itself refuses a broken manifest', () => {
    const manifest = formatKubernetesJob(MODELS.cpu(), { image: IMAGE });
    expect(() => validateJob({ ...manifest, spec: { ...manifest.spec, completionMode: 'Sometimes' } })).toThrow(/completionMode/);
  });

  it('requests and limits the GPUs and memory, requests the CPUs', () => {
    const container = formatKubernetesJob(MODELS.gpu(), { image: IMAGE }).spec?.template.spec?.containers[0];
    expect(container?.resources).toEqual({ requests: { cpu: '8', memory: '32000Mi', 'nvidia.com/gpu': '2' }, limits: { memory: '32000Mi', 'nvidia.com/gpu': '2' } });
    expect(formatKubernetesJob(MODELS.cpu(), { image: IMAGE }).spec?.template.spec?.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '512Mi' } });
  });

  it('takes secret env values from a Secret and plain ones as values', () => {
    const env = formatKubernetesJob(MODELS.gpu(), { image: IMAGE, secretName: 'wandb' }).spec?.template.spec?.containers[0].env;
    expect(env).toEqual([
      { name: 'WANDB_PROJECT', value: 'resnet' },
      { name: 'WANDB_API_KEY', valueFrom: { secretKeyRef: { name: 'wandb', key: 'WANDB_API_KEY' } } },
      { name: 'HF_HOME', valueFrom: { secretKeyRef: { name: 'wandb', key: 'HF_HOME' } } },
    ]);
  });

  it('makes a sweep an Indexed Job whose pods pick their point by index, retried per index', () => {
    const spec = formatKubernetesJob(MODELS.sweep(), { image: IMAGE, parallelism: 2 }).spec;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 2, backoffLimitPerIndex: 1 });
    const command = spec?.template.spec?.containers[0].command ?? [];
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(command[2]).toContain('case "${JOB_COMPLETION_INDEX}" in');
    expect(command[2]).toContain('  3)\n    export GANTRY_PARAM_LR=0.0003 GANTRY_PARAM_SEED=2');
  });

  it('labels a queued job with its project and id and links back to the coordinator', () => {
    const job = { ...baseJob(), id: 42, project: 'vision', name: 'eval' };
    const manifest = formatKubernetesJob(modelFromJob(job), { image: IMAGE, gantryUrl: 'http://127.0.0.1:7878/' });
    expect(manifest.metadata?.name).toBe('gantry-42-eval');
    expect(manifest.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'gantry', 'gantry.dev/project': 'vision', 'gantry.dev/job-id': '42' });
    expect(manifest.spec?.template.metadata?.labels).toEqual(manifest.metadata?.labels);
    expect(manifest.metadata?.annotations?.['gantry.dev/url']).toBe('http://127.0.0.1:7878/api/v1/jobs/42');
  });

  it('refuses a missing image and a name Kubernetes would refuse, naming the field', () => {
    expect(() => formatKubernetesJob(MODELS.cpu(), { image: ' ' })).toThrow(expect.objectContaining({ field: 'image' }));
    expect(() => formatKubernetesJob(MODELS.cpu(), { image: IMAGE, name: 'Not_A_Name' })).toThrow(expect.objectContaining({ field: 'name' }));
  });
});

function baseJob(): GantryJob {
  return {
    id: 1, project: 'default', name: 'x', command: ['python', 'eval.py'], cwd: '/home/me', cwd_machine: 'laptop', env: {}, secret_env: [], params: {}, priority: 0,
    requirements: { cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] }, depends_on: [], max_attempts: 1, max_lost_attempts: 3,
    timeout_s: null, retry_delay_s: 0, retry_backoff: false, state: 'queued', attempt: 0, counted_attempts: 0, lost_attempts: 0, retry_at: null, worker_id: null,
    exit_code: null, error: null, created_at: 0, started_at: null, finished_at: null,
  };
}
