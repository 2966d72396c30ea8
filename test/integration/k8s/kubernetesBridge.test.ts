import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Job as KubernetesJob } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, KubernetesCluster, Worker } from '../../../src/shared';
import { startGantryServe } from '../../e2e/support/gantryServe';
import { waitFor } from '../../support/waitFor';
import { stdoutText } from '../cli/harness';
import { useStandinServe } from './standinServe';

const standin = useStandinServe('kubectl', { KUBECTL_STANDIN_CONTEXT: 'lab' }, 'lab-gpu');
const { gantry, api, jobIn, submit, calls, unexpected } = standin;
const jobOf = (id: number): Promise<Job> => api<Job>(`/api/v1/jobs/${id}`);
const applied = (name: string): { kind: string; items?: unknown[] } => JSON.parse(readFileSync(join(standin.state, `applied-${name}.json`), 'utf8')) as { kind: string; items?: unknown[] };

// Each step spawns the CLI, whose start alone takes seconds on a loaded machine.
describe('gantry k8s add, ls, rm (clusters in the database, through /api/v1/k8s)', { timeout: 180_000 }, () => {
  it('refuses a context the kubeconfig does not have, naming the field, and stores nothing', async () => {
    const result = await gantry(['k8s', 'add', 'elsewhere', '--context', 'nope', '--image', 'python:3.12']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/context nope: not a context of the kubeconfig/);
    expect(await api<KubernetesCluster[]>('/api/v1/k8s')).toEqual([]);
  });

  it('refuses a bad field through the API, naming it', async () => {
    const response = await fetch(`${standin.serve.url}/api/v1/k8s`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.serve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bad_Name', context: 'lab', image: 'python:3.12' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('name');
  });

  it('adds a cluster after checking its context and that it may create Jobs, lists it and removes it', async () => {
    const added = await gantry(['k8s', 'add', 'scratch', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12']);
    expect(added.stderr).toBe('');
    expect(calls()).toContainEqual(['--context', 'lab', '-n', 'research', 'auth', 'can-i', 'create', 'jobs.batch']);
    expect(stdoutText(await gantry(['k8s', 'ls']))).toMatch(/^scratch {2}context lab, namespace research, image python:3.12/);
    expect((await api<KubernetesCluster>('/api/v1/k8s/scratch')).namespace).toBe('research');
    expect((await gantry(['k8s', 'rm', 'scratch'])).code).toBe(0);
    expect(stdoutText(await gantry(['k8s', 'ls', '--json']))).toBe('[]\n');
  });
});

describe('gantry submit --k8s NAME --direct, with the bridge worker gantry serve started by itself', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const added = await gantry(['k8s', 'add', 'lab-gpu', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12', '--gpus', '4', '--gpu-model', 'A100']);
    expect(added.stderr).toBe('');
    // No `gantry k8s run`: the coordinator started the bridge when the cluster was added.
    await waitFor(async () => (await api<Worker[]>('/api/v1/workers')).some((worker) => worker.name === 'k8s-lab-gpu' && worker.state === 'online'), 'the bridge worker to come online', 60_000);
    expect((await api<KubernetesCluster>('/api/v1/k8s/lab-gpu')).worker_state).toBe('online');
  }, 90_000);

  it('runs a job as a Kubernetes Job: GPUs requested, state mirrored, log and metrics streamed back', async () => {
    const id = await submit(['--name', 'succeeds', '--gpus', '2', '--', 'python', 'train.py']);
    expect(await jobIn(id, ['succeeded', 'failed'])).toMatchObject({ state: 'succeeded', exit_code: 0 });

    const manifest = new KubernetesJob(applied(`gantry-${id}-1`) as ConstructorParameters<typeof KubernetesJob>[0]);
    manifest.validate();
    const container = manifest.spec?.template.spec?.containers[0];
    expect(container).toMatchObject({ image: 'python:3.12', command: ['python', 'train.py'], resources: { limits: { 'nvidia.com/gpu': '2' } } });
    expect(container?.env).toContainEqual({ name: 'GANTRY_JOB_ID', value: String(id) });
    expect(manifest.metadata?.labels?.['gantry.dev/job-id']).toBe(String(id));

    expect(stdoutText(await gantry(['logs', String(id)]))).toContain('epoch 2\n');
    const metrics = await api<Array<{ name: string; value: number }>>(`/api/v1/jobs/${id}/metrics`);
    expect(metrics.filter((point) => point.name === 'loss').map((point) => point.value)).toEqual([0.5, 0.25]);
    expect(calls()).toContainEqual(['--context', 'lab', '-n', 'research', 'logs', '-f', `job/gantry-${id}-1`]);
  });

  it("fails the job with the container's exit code", async () => {
    const id = await submit(['--name', 'fails', '--', 'python', 'broken.py']);
    expect((await jobIn(id, ['failed'])).exit_code).toBe(3);
    expect(stdoutText(await gantry(['logs', String(id)]))).toContain('ValueError: bad data');
  });

  it('deletes the Kubernetes Job when the job is cancelled', async () => {
    const id = await submit(['--name', 'runs-long', '--', 'python', 'forever.py']);
    await jobIn(id, ['running']);
    expect((await gantry(['cancel', String(id)])).code).toBe(0);
    await waitFor(() => existsSync(join(standin.state, `deleted-gantry-${id}-1`)), `the Kubernetes Job of ${id} to be deleted`, 60_000);
    await jobIn(id, ['cancelled']);
  });

  it('keeps secret env values out of the Job, in a Secret beside it', async () => {
    const id = await submit(['--name', 'succeeds', '--env', 'WANDB_API_KEY=s3cr3t-value', '--', 'python', 'train.py']);
    await jobIn(id, ['succeeded']);
    const list = applied(`gantry-${id}-1`);
    expect(list.kind).toBe('List');
    const [secret, job] = list.items as [{ kind: string; stringData: Record<string, string> }, unknown];
    expect(secret).toMatchObject({ kind: 'Secret', stringData: { WANDB_API_KEY: 's3cr3t-value' } });
    expect(JSON.stringify(job)).not.toContain('s3cr3t-value');
    await waitFor(() => calls().some((call) => call.includes('secret') && call.includes(`gantry-${id}-1-env`)), 'the Secret to be deleted');
  });

  it('made no kubectl call the stand-in did not expect', () => {
    expect(unexpected()).toBe('');
  });
});

describe('pilot agents as a Kubernetes Indexed Job, scaled with demand', { timeout: 180_000 }, () => {
  type Apply = { name: string; parallelism: number; kinds: string[] };
  const applies = (): Apply[] => (existsSync(join(standin.state, 'applies.jsonl')) ? readFileSync(join(standin.state, 'applies.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Apply) : []);
  const pilotApplies = (): Apply[] => applies().filter((apply) => apply.name === 'gantry-pilots-burst');

  it('refuses pilot mode without the URL pods reach the coordinator at, naming the field', async () => {
    const result = await gantry(['k8s', 'add', 'burst', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12', '--max-pilots', '3']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/pilot_url/);
  });

  it('applies K pilots for K waiting jobs (within max), each registering with the enrolment token of a Secret, and deletes them when the demand is gone', async () => {
    const added = await gantry(['k8s', 'add', 'burst', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12', '--max-pilots', '3', '--pilot-url', 'http://gantry.lab:8080', '--jobs-per-pilot', '1']);
    expect(added.stderr).toBe('');
    const ids: number[] = [];
    for (const name of ['a', 'b']) {
      const submitted = await gantry(['submit', '--k8s', 'burst', '--name', name, '--', 'python', 'train.py']);
      expect(submitted.stderr).toBe('');
      ids.push(Number(stdoutText(submitted).trim()));
    }
    expect((await jobOf(ids[0])).requirements.tags).toEqual(['k8s-pilot:burst']);
    await waitFor(() => pilotApplies().at(-1)?.parallelism === 2, 'two pilots to be applied', 60_000);
    expect(pilotApplies().at(-1)?.kinds).toEqual(['ConfigMap', 'Secret', 'Job']);

    const [configMap, secret, job] = applied('gantry-pilots-burst').items as [ConstructorParameters<typeof ConfigMap>[0], ConstructorParameters<typeof Secret>[0], ConstructorParameters<typeof KubernetesJob>[0]];
    new ConfigMap(configMap).validate();
    new Secret(secret).validate();
    new KubernetesJob(job).validate();
    expect(job?.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    expect(job?.spec?.template.spec?.containers[0].env).toEqual([{ name: 'GANTRY_URL', value: 'http://gantry.lab:8080' }]);
    // The real agent bundle travels gzipped in the ConfigMap.
    const bundle = gunzipSync(Buffer.from(configMap?.binaryData?.['gantry-agent.js.gz'] ?? '', 'base64')).toString();
    expect(bundle).toContain('--token-file');
    // The token is an enrolment token: a pilot registering with it gets a worker credential of its own.
    const token = (secret?.stringData as { token: string }).token;
    expect(JSON.stringify(job)).not.toContain(token);
    const registered = await fetch(`${standin.serve.url}/api/v1/workers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'k8s-burst-0', cpus: 1, memory_mb: 2048, tags: ['k8s-pilot:burst'] }),
    });
    expect(registered.status).toBe(200);
    expect(((await registered.json()) as { credential: string }).credential).toMatch(/^gwrk_/);
    expect((await api<KubernetesCluster>('/api/v1/k8s/burst')).pilot_demand).toBe(2);

    for (const id of ids) expect((await gantry(['cancel', String(id)])).code).toBe(0);
    await waitFor(() => calls().some((call) => call.join(' ') === '--context lab -n research delete job gantry-pilots-burst --ignore-not-found --cascade=background --wait=false'), 'the pilots to be deleted', 60_000);
  });

  it('made no kubectl call the stand-in did not expect', () => {
    expect(unexpected()).toBe('');
  });
});

describe('clusters kept in k8s-clusters.json before the database', () => {
  it('are imported once when gantry serve starts, and their bridge worker runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gantry-k8s-legacy-'));
    const legacy = [{ name: 'old-lab', context: 'lab', namespace: 'research', image: 'python:3.12', max_jobs: 2, gpus: 0, gpu_model: 'GPU', gpu_memory_mb: 81_920, cpus: 4, memory_mb: 8192 }];
    writeFileSync(join(dataDir, 'k8s-clusters.json'), JSON.stringify(legacy), { mode: 0o600 });
    const old = await startGantryServe({ dataDir, localWorker: false, env: { PATH: standin.env.PATH, KUBECTL_STANDIN_STATE: standin.state, KUBECTL_STANDIN_CONTEXT: 'lab' } });
    try {
      const headers = { authorization: `Bearer ${old.token}` };
      const clusters = (await (await fetch(`${old.url}/api/v1/k8s`, { headers })).json()) as KubernetesCluster[];
      expect(clusters).toMatchObject([{ name: 'old-lab', namespace: 'research', max_jobs: 2, cpus: 4 }]);
      expect(existsSync(join(dataDir, 'k8s-clusters.json'))).toBe(false);
      expect(existsSync(join(dataDir, 'k8s-clusters.json.imported'))).toBe(true);
      await waitFor(async () => ((await (await fetch(`${old.url}/api/v1/workers`, { headers })).json()) as Worker[]).some((w) => w.name === 'k8s-old-lab' && w.state === 'online'), 'the imported cluster\'s bridge worker', 60_000);
    } finally {
      await old.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
