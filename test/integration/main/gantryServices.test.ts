import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPipedJob } from '../../../src/agent';
import { createFileSecretStore } from '../../../src/core';
import { dataDirLayout, ensureDataDirLayout } from '../../../src/main/paths/dataDirLayout';
import { startGantryServices, type GantryServices } from '../../../src/main/services/gantryServices';
import { createShutdown } from '../../../src/main/lifecycle/shutdown';
import { GantryClient } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';

describe("the desktop app's back end", () => {
  let root: string;
  let services: GantryServices;
  let client: GantryClient;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gantry-desktop-'));
    const layout = dataDirLayout(root);
    ensureDataDirLayout(layout);
    services = await startGantryServices({
      layout,
      host: '127.0.0.1',
      port: 0,
      webRoot: join(root, 'no-web'),
      spawnJob: spawnPipedJob,
      workerName: 'desktop',
      secrets: createFileSecretStore(join(root, 'secrets.json')),
      agentBundle: join(root, 'gantry-agent.js'),
    });
    client = new GantryClient({ baseUrl: services.serverUrl, token: services.adminToken });
  });
  afterAll(async () => {
    await createShutdown(services.shutdownSteps, { stepTimeoutMs: 10_000 })();
    await rm(root, { recursive: true, force: true });
  });

  it('starts its stopped local worker again through the API, and the tray still pauses it', async () => {
    const id = services.localWorker.workerId as string;
    expect((await client.call('serverInfo')).local_worker_id).toBe(id);
    await client.call('stopWorker', { params: { id } });
    await waitFor(async () => (await client.call('getWorker', { params: { id } })).state === 'offline', 'the local worker to stop');
    expect((await client.call('startWorker', { params: { id } })).state).toBe('online');
    services.localWorker.setPaused(true);
    expect((await client.call('getWorker', { params: { id } })).state).toBe('draining');
    services.localWorker.setPaused(false);
  });
});
