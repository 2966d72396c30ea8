import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { agentTestRun, baseEnv, spawnAgent } from './agentProcess';

/** The environment a job printed with `env -0`, as a map. */
function printedEnv(server: CoordinatorServer, jobId: number): Map<string, string> {
  const text = server.coordinator.readLog(jobId, 1).data.toString();
  return new Map(text.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('the environment a real agent gives its jobs', () => {
  const run = agentTestRun();

  async function runEnvJob(extraArgs: string[]): Promise<{ env: Map<string, string>; workerToken: string }> {
    const server = (run.server = await startCoordinatorServer());
    const adminToken = server.coordinator.createToken({ name: 'admin', scope: 'admin' }).token;
    const agent = (run.agent = spawnAgent(['--url', server.url, '--name', 'env-worker', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-env-')), ...extraArgs], {
      ...baseEnv(),
      GANTRY_AGENT_TOKEN: server.workerToken,
      // What an agent's environment commonly carries besides its own token: the admin's CLI token, other secrets.
      GANTRY_TOKEN: adminToken,
      GANTRY_URL: server.url,
      AWS_SECRET_ACCESS_KEY: 'agent-host-secret',
      LC_ALL: 'C.UTF-8',
    }));
    const job = server.coordinator.submit({ command: ['env', '-0'], env: { FROM_SUBMITTER: 'kept' } });
    await waitFor(() => server.coordinator.getJob(job.id).state === 'succeeded', `the job to run (agent log: ${agent.stderr()})`);
    return { env: printedEnv(server, job.id), workerToken: server.workerToken };
  }

  it('shows no Gantry credential but its own job token, and none of the agent’s other variables beyond the allow-list', async () => {
    const { env, workerToken } = await runEnvJob([]);
    expect(env.get('GANTRY_TOKEN')).toMatch(/^gjob_\d+\.1\./);
    expect([...env.keys()].filter((key) => key.startsWith('GANTRY_')).sort()).toEqual(['GANTRY_API', 'GANTRY_ATTEMPT', 'GANTRY_CHECKPOINT_DIR', 'GANTRY_CHECKPOINT_SIGNAL', 'GANTRY_JOB_ID', 'GANTRY_PARAMS', 'GANTRY_TOKEN']);
    expect([...env.values()]).not.toContain(workerToken);
    expect(env.has('AWS_SECRET_ACCESS_KEY')).toBe(false);
    expect(env.get('PATH')).toBe(process.env.PATH);
    expect(env.get('LC_ALL')).toBe('C.UTF-8');
    expect(env.get('FROM_SUBMITTER')).toBe('kept');
  });

  it('with --inherit-env passes the agent’s variables, but still no Gantry credential but the job’s own', async () => {
    const { env, workerToken } = await runEnvJob(['--inherit-env']);
    expect(env.get('AWS_SECRET_ACCESS_KEY')).toBe('agent-host-secret');
    expect(env.get('GANTRY_TOKEN')).toMatch(/^gjob_\d+\.1\./);
    expect(env.has('GANTRY_AGENT_TOKEN')).toBe(false);
    expect(env.has('GANTRY_URL')).toBe(false);
    expect([...env.values()]).not.toContain(workerToken);
  });
});
