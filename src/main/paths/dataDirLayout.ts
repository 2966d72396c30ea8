import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { secureDataDir, tightenModes } from '../../core';
import { join } from 'node:path';

/**
 * Where the desktop app keeps its files under Electron's userData folder.
 * Subfolders, because userData also holds Chromium's own caches (Cache, GPUCache, Local Storage)
 * and a user backing up or wiping Gantry's state should find it by name.
 */
export interface DataDirLayout {
  root: string;
  /** The coordinator's data dir: gantry.db and the attempt log files (owned by src/core). */
  db: string;
  /** The shell's own logs (server and main-process log files). */
  logs: string;
  /** The local worker's spool of unsent logs and results. */
  spool: string;
  /** Secret files; 0700 so other local users cannot list them. */
  secrets: string;
  /** User settings (port, host); see settings.ts. */
  settingsFile: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    db: join(root, 'db'),
    logs: join(root, 'logs'),
    spool: join(root, 'spool'),
    secrets: join(root, 'secrets'),
    settingsFile: join(root, 'settings.json'),
  };
}

/**
 * Creates the folders owner-only and makes what exists owner-only too (folders 0700, files 0600):
 * they hold job env, logs, spooled results and secrets. The root is tightened but not walked, since
 * Chromium keeps its caches there. Returns the paths that were looser, for a warning.
 */
export function ensureDataDirLayout(layout: DataDirLayout): string[] {
  for (const dir of [layout.root, layout.logs, layout.spool, layout.secrets]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const loosened = secureDataDir(layout.db);
  for (const dir of [layout.logs, layout.spool, layout.secrets, layout.settingsFile]) loosened.push(...tightenModes(dir));
  // mkdir's mode is masked by the umask and ignored when the folder already exists.
  if ((statSync(layout.root).mode & 0o777) !== 0o700) {
    chmodSync(layout.root, 0o700);
    loosened.push(layout.root);
  }
  return loosened;
}
