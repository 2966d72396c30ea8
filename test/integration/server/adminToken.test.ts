import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinator } from '../../../src/core';
import type { Coordinator } from '../../../src/core/api';
import { ensureAdminToken, startServer } from '../../../src/server';
import { ErrorBody } from '../../../src/shared';

describe('ensureAdminToken', () => {
  let dataDir: string;
  let coordinator: Coordinator;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-admin-'));
    coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
  });
  afterEach(() => {
    coordinator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an admin token on first start in a 0600 file and reads it back later', () => {
    const first = ensureAdminToken(coordinator, dataDir);
    expect(first.created).toBe(true);
    expect(coordinator.verifyToken(first.token)?.scope).toBe('admin');
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(ensureAdminToken(coordinator, dataDir)).toEqual({ token: first.token, created: false });
  });

  it('replaces a token that was revoked, or a file that went missing', () => {
    const first = ensureAdminToken(coordinator, dataDir);
    const record = coordinator.listTokens().find((token) => token.scope === 'admin');
    coordinator.revokeToken(record!.id);
    const second = ensureAdminToken(coordinator, dataDir);
    expect(second.created).toBe(true);
    expect(second.token).not.toBe(first.token);
    unlinkSync(join(dataDir, 'admin-token'));
    expect(ensureAdminToken(coordinator, dataDir).created).toBe(true);
  });

  it('replaces a file holding garbage', () => {
    writeFileSync(join(dataDir, 'admin-token'), 'garbage', { mode: 0o644 });
    expect(ensureAdminToken(coordinator, dataDir).created).toBe(true);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
  });
});

describe('startServer', () => {
  it('listens on 127.0.0.1 on a free port and serves the renderer with a fallback to index.html', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gantry-start-'));
    const webRoot = mkdtempSync(join(tmpdir(), 'gantry-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Gantry</title>');
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1)');
    const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
    const server = await startServer({ coordinator, logger: false, webRoot });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(await (await fetch(`${server.url}/api/v1/health`)).json()).toMatchObject({ ok: true });
      expect(await (await fetch(`${server.url}/`)).text()).toContain('<title>Gantry</title>');
      expect(await (await fetch(`${server.url}/app.js`)).text()).toBe('console.log(1)');
      expect(await (await fetch(`${server.url}/jobs/42`)).text()).toContain('<title>Gantry</title>');
      const api404 = await fetch(`${server.url}/api/v1/nope`);
      expect(api404.status).toBe(404);
      expect(ErrorBody.parse(await api404.json()).error.code).toBe('not_found');
    } finally {
      await server.close();
      coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(webRoot, { recursive: true, force: true });
    }
  });
});
