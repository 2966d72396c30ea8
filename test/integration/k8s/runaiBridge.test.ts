import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, KubernetesCluster, Worker } from '../../../src/shared';
import { startGantryServe, type RunningGantry } from '../../e2e/support/gantryServe';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT, runGantry, stdoutText, type CliResult } from '../cli/harness';

const STANDIN = join(REPO_ROOT, 'test', 'fixtures', 'runai');

let serve: RunningGantry;
let state: string;
let env: NodeJS.ProcessEnv;

/** A real `gantry serve` with the stand-in runai first on its PATH: the Run:ai backend of a cluster runs through it. */
beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'gantry-runai-'));
  const standin = { PATH: `${STANDIN}:${process.env.PATH}`, RUNAI_STANDIN_STATE: state, RUNAI_STANDIN_PROJECT: 'research' };
  serve = await startGantryServe({ localWorker: false, env: { ...standin, GANTRY_K8S_POLL_MS: '100' } });
  env = { ...standin, GANTRY_URL: serve.url, GANTRY_TOKEN: serve.token };
}, 120_000);
afterAll(async () => {
  await serve?.stop();
  rmSync(state, { recursive: true, force: true });
});

const gantry = (args: string[]): Promise<CliResult> => runGantry(args, env);
async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${serve.url}${path}`, { headers: { authorization: `Bearer ${serve.token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
async function jobIn(id: number, states: Job['state'][]): Promise<Job> {
  return waitFor(async () => { const job = await api<Job>(`/api/v1/jobs/${id}`); return states.includes(job.state) ? job : null; }, `job ${id} to be ${states.join(' or ')}`, 60_000);
}
const calls = (): string[][] => readFileSync(join(state, 'calls.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
const unexpected = (): string => (existsSync(join(state, 'unexpected.jsonl')) ? readFileSync(join(state, 'unexpected.jsonl'), 'utf8') : '');
async function submit(args: string[]): Promise<number> {
  const result = await gantry(['submit', '--k8s', 'rai', '--direct', ...args]);
  expect(result.stderr).toBe('');
  return Number(stdoutText(result).trim());
}

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
    await waitFor(() => existsSync(join(state, `deleted-gantry-${id}-1`)), `the workload of ${id} to be deleted`, 60_000);
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
