/**
 * The data dir holds every job's env and logs, the admin token and the job-token secret: it is
 * 0700 and everything in it 0600 (folders 0700), whatever an older version or a umask left.
 */
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE } from './database';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Makes `path` owner-only (folders 0700, files 0600, everything under a folder too); returns the paths that were looser. */
export function tightenModes(path: string): string[] {
  const loosened: string[] = [];
  if (existsSync(path)) tighten(path, loosened);
  return loosened;
}

function tighten(path: string, loosened: string[]): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  const wanted = stat.isDirectory() ? DIR_MODE : FILE_MODE;
  if ((stat.mode & 0o777) !== wanted) {
    chmodSync(path, wanted);
    loosened.push(path);
  }
  if (stat.isDirectory()) for (const name of readdirSync(path)) tighten(join(path, name), loosened);
}

/**
 * Creates `dir` 0700 when missing, fixes the modes of what exists, and creates an empty database
 * file 0600 so SQLite (which copies the database's mode to its -wal and -shm files) never makes a
 * world-readable one. Returns the paths it had to tighten, for a warning.
 */
export function secureDataDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const loosened = tightenModes(dir);
  const db = join(dir, DB_FILE);
  if (!existsSync(db)) closeSync(openSync(db, 'a', FILE_MODE));
  return loosened;
}
