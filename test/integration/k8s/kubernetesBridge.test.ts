import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job as KubernetesJob } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT, startTestCoordinator, stdoutText, type TestCoordinator } from '../cli/harness';

const STANDIN = join(REPO_ROOT, 'test', 'fixtures', 'kubectl');

let t: TestCoordinator;
let state: string;
let env: NodeJS.ProcessEnv;
let bridge: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestCoordinator();
  state = mkdtempSync(join(tmpdir(), 'gantry-kubectl-'));
  // The stand-in kubectl comes first on PATH, as a real one would be found.
  env = { PATH: `${STANDIN}:${process.env.PATH}`, GANTRY_DATA_DIR: join(state, 'data'), KUBECTL_STANDIN_STATE: state, KUBECTL_STANDIN_CONTEXT: 'lab' };
});
afterAll(async () => {
  if (bridge) await stopChild(bridge);
  await t?.close();
});

const calls = (): string[][] => readFileSync(join(state, 'calls.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
const unexpected = (): string => (existsSync(join(state, 'unexpected.jsonl')) ? readFileSync(join(state, 'unexpected.jsonl'), 'utf8') : '');
const applied = (name: string): { kind: string; items?: unknown[] } => JSON.parse(readFileSync(join(state, `applied-${name}.json`), 'utf8')) as { kind: string; items?: unknown[] };

async function submit(args: string[]): Promise<number> {
  const result = await t.gantry(['submit', '--k8s', 'lab-gpu', '--direct', ...args], env);
  expect(result.stderr).toBe('');
  return Number(stdoutText(result).trim());
}

describe('gantry k8s add, ls, rm', () => {
  it('refuses a context the kubeconfig does not have, naming the flag', async () => {
    const result = await t.gantry(['k8s', 'add', 'elsewhere', '--context', 'nope', '--image', 'python:3.12'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--context nope: not a context of your kubeconfig/);
  });

  it('adds a cluster after checking its context and that it may create Jobs, lists it and removes it', async () => {
    const added = await t.gantry(['k8s', 'add', 'scratch', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12'], env);
    expect(added.stderr).toBe('');
    expect(calls()).toContainEqual(['--context', 'lab', '-n', 'research', 'auth', 'can-i', 'create', 'jobs.batch']);
    expect(stdoutText(await t.gantry(['k8s', 'ls'], env))).toMatch(/^scratch {2}context lab, namespace research, image python:3.12/);
    expect((await t.gantry(['k8s', 'rm', 'scratch'], env)).code).toBe(0);
    expect(stdoutText(await t.gantry(['k8s', 'ls', '--json'], env))).toBe('[]\n');
  });
});

describe('gantry submit --k8s NAME --direct', () => {
  beforeAll(async () => {
    const added = await t.gantry(['k8s', 'add', 'lab-gpu', '--context', 'lab', '--namespace', 'research', '--image', 'python:3.12', '--gpus', '4', '--gpu-model', 'A100'], env);
    expect(added.code).toBe(0);
    bridge = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'k8s', 'run', 'lab-gpu', '--poll', '100', '--quiet'], {
      cwd: REPO_ROOT,
      env: { ...env, HOME: process.env.HOME, ...t.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(() => t.coordinator.listWorkers().some((worker) => worker.name === 'k8s-lab-gpu' && worker.state === 'online'), 'the bridge worker to come online', 60_000);
  });

  it('runs a job as a Kubernetes Job: GPUs requested, state mirrored, log and metrics streamed back', async () => {
    const id = await submit(['--name', 'succeeds', '--gpus', '2', '--', 'python', 'train.py']);
    const job = await waitFor(() => { const j = t.coordinator.getJob(id); return j.state === 'succeeded' || j.state === 'failed' ? j : null; }, `job ${id} to finish`, 60_000);
    expect(job).toMatchObject({ state: 'succeeded', exit_code: 0 });

    const manifest = new KubernetesJob(applied(`gantry-${id}-1`) as ConstructorParameters<typeof KubernetesJob>[0]);
    manifest.validate();
    const container = manifest.spec?.template.spec?.containers[0];
    expect(container).toMatchObject({ image: 'python:3.12', command: ['python', 'train.py'], resources: { limits: { 'nvidia.com/gpu': '2' } } });
    expect(container?.env).toContainEqual({ name: 'GANTRY_JOB_ID', value: String(id) });
    expect(manifest.metadata?.labels?.['gantry.dev/job-id']).toBe(String(id));

    const log = stdoutText(await t.gantry(['logs', String(id)], env));
    expect(log).toContain('epoch 2\n');
    expect(t.coordinator.listMetrics(id).filter((point) => point.name === 'loss').map((point) => point.value)).toEqual([0.5, 0.25]);
    expect(calls()).toContainEqual(['--context', 'lab', '-n', 'research', 'logs', '-f', `job/gantry-${id}-1`]);
  });

  it("fails the job with the container's exit code", async () => {
    const id = await submit(['--name', 'fails', '--', 'python', 'broken.py']);
    const job = await waitFor(() => { const j = t.coordinator.getJob(id); return j.state === 'failed' ? j : null; }, `job ${id} to fail`, 60_000);
    expect(job.exit_code).toBe(3);
    expect(stdoutText(await t.gantry(['logs', String(id)], env))).toContain('ValueError: bad data');
  });

  it('deletes the Kubernetes Job when the job is cancelled', async () => {
    const id = await submit(['--name', 'runs-long', '--', 'python', 'forever.py']);
    await waitFor(() => t.coordinator.getJob(id).state === 'running', `job ${id} to run`, 60_000);
    expect((await t.gantry(['cancel', String(id)], env)).code).toBe(0);
    await waitFor(() => existsSync(join(state, `deleted-gantry-${id}-1`)), `the Kubernetes Job of ${id} to be deleted`, 60_000);
    await waitFor(() => t.coordinator.getJob(id).state === 'cancelled', `job ${id} to be cancelled`, 60_000);
  });

  it('keeps secret env values out of the Job, in a Secret beside it', async () => {
    const id = await submit(['--name', 'succeeds', '--env', 'WANDB_API_KEY=s3cr3t-value', '--', 'python', 'train.py']);
    await waitFor(() => t.coordinator.getJob(id).state === 'succeeded', `job ${id} to succeed`, 60_000);
    const list = applied(`gantry-${id}-1`);
    expect(list.kind).toBe('List');
    const [secret, job] = list.items as [{ kind: string; stringData: Record<string, string> }, unknown];
    expect(secret).toMatchObject({ kind: 'Secret', stringData: { WANDB_API_KEY: 's3cr3t-value' } });
    expect(JSON.stringify(job)).not.toContain('s3cr3t-value');
    await waitFor(() => calls().some((call) => call.includes('secret') && call.includes(`gantry-${id}-1-env`)), 'the Secret to be deleted');
  });

  it('refuses --k8s without --direct: pilots on Kubernetes do not exist', async () => {
    const result = await t.gantry(['submit', '--k8s', 'lab-gpu', '--', 'true'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--k8s lab-gpu: add --direct/);
  });

  it('made no kubectl call the stand-in did not expect', () => {
    expect(unexpected()).toBe('');
  });
});
