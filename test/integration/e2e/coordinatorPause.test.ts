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

/**
 * Six seconds, not two: after the wake the agent's next beat must get in before the lease's time
 * left runs out, as little as two thirds of the TTL (a beat is due every third): 1.3 s with a 2 s
 * lease, for a woken server and the agent sharing two cores with a load of 20. The stop stays twice
 * the lease, so without the pause detection the lease would surely have expired.
 */
const LEASE_TTL_S = 6;
const STOP_MS = 2 * LEASE_TTL_S * 1000;

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
    // Still running when the server wakes, so its lease is what the wake decides on.
    const job = await client.call('submitJob', { body: { command: { shell: `touch ${started}; sleep ${STOP_MS / 1000 + 6}` } } });
    await waitFor(() => existsSync(started), 'the job to start');

    process.kill(servePid, 'SIGSTOP');
    await stayStopped(STOP_MS);
    process.kill(servePid, 'SIGCONT');

    await waitFor(async () => (await client.call('getJob', { params: { id: job.id } })).state === 'succeeded', 'the job to succeed', 40_000);
    const attempts = await client.call('listAttempts', { params: { id: job.id } });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'succeeded']]);
    expect((await client.call('getJob', { params: { id: job.id } })).lost_attempts).toBe(0);
  });
});
