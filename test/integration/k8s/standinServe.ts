import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Job } from '../../../src/shared';
import { startGantryServe, type RunningGantry } from '../../e2e/support/gantryServe';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT, runGantry, stdoutText, type CliResult } from '../cli/harness';

/** What a test of a cluster backend drives: the serve, the stand-in's state directory and the calls it recorded. */
export interface StandinServe {
  readonly serve: RunningGantry;
  /** The stand-in's state directory: what it was called with, applied and deleted. */
  readonly state: string;
  readonly env: NodeJS.ProcessEnv;
  gantry(args: string[]): Promise<CliResult>;
  api<T>(path: string): Promise<T>;
  jobIn(id: number, states: Job['state'][]): Promise<Job>;
  /** Submits a direct job to `cluster` and returns its id. */
  submit(args: string[]): Promise<number>;
  calls(): string[][];
  unexpected(): string;
}

/**
 * A real `gantry serve` with the stand-in CLI of test/fixtures/<tool> first on its PATH, as a real one
 * would be found: it checks clusters through it and runs their bridge workers by itself. Registers its
 * own beforeAll/afterAll, so each test file gets one serve and one state directory.
 */
export function useStandinServe(tool: 'kubectl' | 'runai', vars: Record<string, string>, cluster: string): StandinServe {
  let serve: RunningGantry | undefined;
  let state = '';
  let env: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), `gantry-${tool}-`));
    const standin = { PATH: `${join(REPO_ROOT, 'test', 'fixtures', tool)}:${process.env.PATH}`, [`${tool.toUpperCase()}_STANDIN_STATE`]: state, ...vars };
    serve = await startGantryServe({ localWorker: false, env: { ...standin, GANTRY_K8S_POLL_MS: '100' } });
    env = { ...standin, GANTRY_URL: serve.url, GANTRY_TOKEN: serve.token };
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  const running = (): RunningGantry => {
    if (!serve) throw new Error('the stand-in serve has not started (used outside a test?)');
    return serve;
  };
  const gantry = (args: string[]): Promise<CliResult> => runGantry(args, env);
  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${running().url}${path}`, { headers: { authorization: `Bearer ${running().token}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
  const stateFile = (name: string): string => join(state, name);
  return {
    get serve() { return running(); },
    get state() { return state; },
    get env() { return env; },
    gantry,
    api,
    jobIn: (id, states) =>
      waitFor(async () => { const job = await api<Job>(`/api/v1/jobs/${id}`); return states.includes(job.state) ? job : null; }, `job ${id} to be ${states.join(' or ')}`, 60_000),
    async submit(args) {
      const result = await gantry(['submit', '--k8s', cluster, '--direct', ...args]);
      expect(result.stderr).toBe('');
      return Number(stdoutText(result).trim());
    },
    calls: () => readFileSync(stateFile('calls.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]),
    unexpected: () => (existsSync(stateFile('unexpected.jsonl')) ? readFileSync(stateFile('unexpected.jsonl'), 'utf8') : ''),
  };
}
