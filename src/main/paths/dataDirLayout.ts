import { mkdirSync, chmodSync } from 'node:fs';
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

export function ensureDataDirLayout(layout: DataDirLayout): void {
  for (const dir of [layout.root, layout.db, layout.logs, layout.spool]) mkdirSync(dir, { recursive: true });
  mkdirSync(layout.secrets, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored when the folder already exists.
  chmodSync(layout.secrets, 0o700);
}
