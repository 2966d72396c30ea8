import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoordinator } from '../../../src/core';
import { hashToken } from '../../../src/core/tokens/tokenStore';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { tempDir } from '../../support/coordinator';

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the metrics token scope', () => {
  it('keeps the tokens of a database made before the scope existed, and stores metrics tokens after', () => {
    dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    const old = new Database(join(dataDir, 'gantry.db'));
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO tokens (name, scope, hash, prefix, created_at) VALUES ('ci', 'read', ?, 'gantry_old', 1)").run(hashToken('gantry_old-secret'));
    old.close();

    const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
    try {
      expect(coordinator.verifyToken('gantry_old-secret')).toMatchObject({ name: 'ci', scope: 'read' });
      const created = coordinator.createToken({ name: 'prometheus', scope: 'metrics' });
      expect(coordinator.verifyToken(created.token)).toMatchObject({ scope: 'metrics' });
    } finally {
      coordinator.close();
    }
  });
});
