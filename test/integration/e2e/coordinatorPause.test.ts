import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startAgentProcess, startCoordinatorProcess, type CoordinatorProcess } from '../../support/cluster';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { tempDir } from '../../support/coordinator';

const LEASE_TTL_MS = 2_000;

let dir: string;
let coordinator: CoordinatorProcess | undefined;
let agent: ChildProcess | undefined;

beforeEach(() => {
  dir = tempDir('gantry-pause-');
});

afterEach(async () => {
  if (coordinator && coordinator.proc.exitCode === null) coordinator.proc.kill('SIGCONT');
  if (agent) await stopChild(agent, { signal: 'SIGKILL' });
  await coordinator?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The length of the stop is the input under test (longer than the lease TTL), not a wait for an event. */
const stayStopped = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a coordinator stopped with SIGSTOP (a laptop asleep) while an agent runs a job', () => {
  it('does not expire the lease for the time it was stopped: the job runs once and its result is accepted', { timeout: 60_000 }, async () => {
    coordinator = await startCoordinatorProcess(join(dir, 'data'), await freePort(), LEASE_TTL_MS);
    const client = coordinator.client;
    const { token } = await client.call('createToken', { body: { name: 'agents', scope: 'worker' } });
    agent = startAgentProcess({ url: coordinator.url, token, name: 'remote', spoolDir: join(dir, 'spool') });
    const started = join(dir, 'started');
    const job = await client.call('submitJob', { body: { command: { shell: `touch ${started}; sleep 8` } } });
    await waitFor(() => existsSync(started), 'the job to start');

    coordinator.proc.kill('SIGSTOP');
    await stayStopped(3 * LEASE_TTL_MS);
    coordinator.proc.kill('SIGCONT');

    await waitFor(async () => (await client.call('getJob', { params: { id: job.id } })).state === 'succeeded', 'the job to succeed', 30_000);
    const attempts = await client.call('listAttempts', { params: { id: job.id } });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'succeeded']]);
    expect((await client.call('getJob', { params: { id: job.id } })).lost_attempts).toBe(0);
  });
});
