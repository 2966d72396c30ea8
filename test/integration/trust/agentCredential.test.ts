import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, GantryClient, type Worker } from '../../../src/shared';
import { freePort, startAgentProcess, startCoordinatorProcess, type CoordinatorProcess } from '../../support/cluster';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { tempDir } from '../../support/coordinator';

let dir: string;
let coordinator: CoordinatorProcess;
let agents: ChildProcess[];

beforeEach(() => {
  dir = tempDir('gantry-trust-');
  agents = [];
});

afterEach(async () => {
  await Promise.all(agents.map((a) => stopChild(a, { signal: 'SIGKILL' })));
  await coordinator?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const onlineWorker = (name: string): Promise<Worker> =>
  waitFor(async () => (await coordinator.client.call('listWorkers', {})).find((w) => w.name === name && w.state === 'online'), `worker ${name} online`);

describe('worker credentials with a real agent process', () => {
  it('saves the credential 0600 in its spool dir, uses it, and keeps its worker id across a restart', async () => {
    coordinator = await startCoordinatorProcess(join(dir, 'data'), await freePort());
    const { token: enrolment } = await coordinator.client.call('createToken', { body: { name: 'agents', scope: 'worker' } });
    const spoolDir = join(dir, 'spool');
    agents.push(startAgentProcess({ url: coordinator.url, token: enrolment, name: 'box', spoolDir }));
    const first = await onlineWorker('box');

    const file = join(spoolDir, 'worker-credential.json');
    await waitFor(() => existsSync(file), 'the saved credential');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { credential } = JSON.parse(readFileSync(file, 'utf8')) as { credential: string };
    expect(credential).toMatch(/^gwrk_/);

    // An intruder with its own enrolment cannot finish the agent's job; the agent's real result stands.
    const intruderClient = new GantryClient({ baseUrl: coordinator.url, token: enrolment });
    const intruder = await intruderClient.call('registerWorker', { body: { name: 'intruder', cpus: 1, memory_mb: 1 } });
    const job = await coordinator.client.call('submitJob', { body: { command: ['node', '-e', 'setTimeout(() => process.exit(7), 300)'] } });
    await waitFor(async () => (await coordinator.client.call('getJob', { params: { id: job.id } })).state === 'running', 'the job to run');
    const forged = new GantryClient({ baseUrl: coordinator.url, token: intruder.credential });
    const refusal = await forged.call('finishJob', { params: { id: job.id }, body: { attempt: 1, outcome: 'succeeded', exit_code: 0 } }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).status).toBe(403);
    const done = await waitFor(async () => {
      const current = await coordinator.client.call('getJob', { params: { id: job.id } });
      return current.state === 'failed' && current;
    }, 'the real result');
    expect(done.exit_code).toBe(7);

    await stopChild(agents[0], { signal: 'SIGTERM' });
    await waitFor(async () => (await coordinator.client.call('getWorker', { params: { id: first.id } })).state === 'offline', 'the agent to deregister');
    agents.push(startAgentProcess({ url: coordinator.url, token: enrolment, name: 'box', spoolDir }));
    const again = await onlineWorker('box');
    expect(again.id).toBe(first.id);
  });
});
