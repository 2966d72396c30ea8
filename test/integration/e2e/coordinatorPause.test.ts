import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GantryClient } from '../../../src/shared';
import { startGantryServe, type RunningGantry } from '../../e2e/support/gantryServe';
import { startAgentProcess } from '../../support/cluster';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { tempDir } from '../../support/coordinator';

const LEASE_TTL_S = 2;

let dir: string;
let serve: RunningGantry | undefined;
let servePid: number | undefined;
let agent: ChildProcess | undefined;

beforeEach(() => {
  dir = tempDir('gantry-pause-');
});

afterEach(async () => {
  if (servePid) process.kill(servePid, 'SIGCONT');
  if (agent) await stopChild(agent, { signal: 'SIGKILL' });
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The length of the stop is the input under test (longer than the lease TTL), not a wait for an event. */
const stayStopped = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('gantry serve stopped with SIGSTOP (a laptop asleep) while a remote agent runs a job', () => {
  it('does not expire the lease for the time it was stopped: the job runs once and its result is accepted', { timeout: 90_000 }, async () => {
    serve = await startGantryServe({ dataDir: join(dir, 'data'), localWorker: false, env: { GANTRY_LEASE_TTL_S: String(LEASE_TTL_S) } });
    servePid = (JSON.parse(readFileSync(join(dir, 'data', 'server.json'), 'utf8')) as { pid: number }).pid;
    const client = new GantryClient({ baseUrl: serve.url, token: serve.token });
    const { token } = await client.call('createToken', { body: { name: 'agents', scope: 'worker' } });
    agent = startAgentProcess({ url: serve.url, token, name: 'remote', spoolDir: join(dir, 'spool') });
    const started = join(dir, 'started');
    const job = await client.call('submitJob', { body: { command: { shell: `touch ${started}; sleep 12` } } });
    await waitFor(() => existsSync(started), 'the job to start');

    process.kill(servePid, 'SIGSTOP');
    await stayStopped(4 * LEASE_TTL_S * 1000);
    process.kill(servePid, 'SIGCONT');

    await waitFor(async () => (await client.call('getJob', { params: { id: job.id } })).state === 'succeeded', 'the job to succeed', 40_000);
    const attempts = await client.call('listAttempts', { params: { id: job.id } });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'succeeded']]);
    expect((await client.call('getJob', { params: { id: job.id } })).lost_attempts).toBe(0);
  });
});
