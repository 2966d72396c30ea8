import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GantryClient } from '../../../src/shared';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT, runGantry, stdoutText } from './harness';

describe("gantry serve's local worker", () => {
  let dataDir: string;
  let client: GantryClient;
  let env: NodeJS.ProcessEnv;
  let serve: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-local-worker-'));
    serve = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'serve', '--data-dir', dataDir, '--port', '0'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: 'ignore',
    });
    const info = await waitFor(async () => JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { url: string }, 'server.json');
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    client = new GantryClient({ baseUrl: info.url, token });
    env = { GANTRY_URL: info.url, GANTRY_TOKEN: token };
    await waitFor(async () => (await client.call('listWorkers')).some((w) => w.name === 'local' && w.state === 'online'), 'the local worker');
  });
  afterAll(async () => {
    await stopChild(serve);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is stopped and started again by name, without restarting serve, and runs jobs after', async () => {
    const local = (await client.call('listWorkers')).find((w) => w.name === 'local');
    expect((await client.call('serverInfo')).local_worker_id).toBe(local?.id);

    const stop = await runGantry(['workers', 'stop', 'local'], env);
    expect(stop.code, stop.stderr).toBe(0);
    await waitFor(async () => (await client.call('getWorker', { params: { id: local?.id as string } })).state === 'offline', 'the local worker to stop');

    const start = await runGantry(['workers', 'start', 'local'], env);
    expect(start.code, start.stderr).toBe(0);
    expect(stdoutText(start)).toMatch(/^worker local \(.+\): online\n$/);
    const again = await runGantry(['workers', 'start', 'local'], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('is already running');

    const job = await client.call('submitJob', { body: { command: ['true'] } });
    await waitFor(async () => (await client.call('getJob', { params: { id: job.id } })).state === 'succeeded', 'a job on the restarted worker');
  });
});
