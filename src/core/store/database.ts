import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;
export type Statement = Database.Statement;
export type Transaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

export const DB_FILE = 'gantry.db';

/** Opens (or creates) the data dir's database with the pragmas the queue relies on, and migrates it. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode stays consistent on power loss and only risks the last transactions; FULL costs ~2x per claim.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Several processes may claim from one file; wait for the write lock rather than fail.
  db.pragma('busy_timeout = 10000');
  db.pragma('wal_autocheckpoint = 10000');
  migrate(db);
  // Statistics let the planner pick between the state and priority indexes when listing; SQLite's
  // advice for long-lived connections is this at open and a plain optimize at close.
  // analysis_limit bounds the work: ANALYZE samples at most ~400 rows per index, even on millions of jobs.
  db.pragma('analysis_limit = 400');
  db.pragma('optimize = 0x10002');
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this Gantry (${MIGRATIONS.length}); upgrade Gantry`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
