import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coordinator } from '../core';

/**
 * The admin token the desktop app and `gantry serve` hand to the console. Created on first
 * start and kept in `<dataDir>/admin-token` (0600); a missing or revoked one is replaced.
 */
export function ensureAdminToken(coordinator: Coordinator, dataDir: string): { token: string; created: boolean } {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token && coordinator.verifyToken(token)?.scope === 'admin') return { token, created: false };
  }
  const { token } = coordinator.createToken({ name: 'admin', scope: 'admin' });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already exists.
  chmodSync(file, 0o600);
  return { token, created: true };
}
