import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirLayout, ensureDataDirLayout } from '../../../src/main/paths/dataDirLayout';

describe('dataDirLayout', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts db, logs, spool and secrets in their own folders under userData', () => {
    const layout = dataDirLayout('/u/Gantry');
    expect(layout).toEqual({
      root: '/u/Gantry',
      db: join('/u/Gantry', 'db'),
      logs: join('/u/Gantry', 'logs'),
      spool: join('/u/Gantry', 'spool'),
      secrets: join('/u/Gantry', 'secrets'),
      settingsFile: join('/u/Gantry', 'settings.json'),
    });
  });

  it('creates every folder and makes the secrets folder owner-only', () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-layout-'));
    const layout = dataDirLayout(join(root, 'userData'));
    ensureDataDirLayout(layout);
    for (const dir of [layout.db, layout.logs, layout.spool, layout.secrets]) expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(layout.secrets).mode & 0o777).toBe(0o700);
  });

  it('is idempotent and narrows a secrets folder that was created too open', () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-layout-'));
    const layout = dataDirLayout(root);
    ensureDataDirLayout(layout);
    ensureDataDirLayout(layout);
    expect(statSync(layout.secrets).mode & 0o777).toBe(0o700);
  });
});
