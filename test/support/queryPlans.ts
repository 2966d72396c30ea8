import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, vi } from 'vitest';
import { openHarness, type Harness } from './coordinator';

export interface RecordedHarness {
  /** This test's coordinator harness. */
  readonly h: Harness;
  /** Every statement the coordinator compiled in this test. */
  readonly prepared: Set<string>;
  /** Every connection those statements were compiled on (to register a function on, say). */
  readonly connections: Set<Database.Database>;
}

/**
 * A fresh coordinator harness per test with every statement it prepares recorded, so a test can ask
 * SQLite how it would run each one (set up in beforeEach, closed in afterEach of the calling file).
 */
export function recordPreparedStatements(): RecordedHarness {
  const state = { h: undefined as unknown as Harness, prepared: new Set<string>(), connections: new Set<Database.Database>() };
  beforeEach(() => {
    state.prepared = new Set();
    state.connections = new Set();
    const prepare = Database.prototype.prepare;
    vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, source: string) {
      state.prepared.add(source);
      state.connections.add(this);
      return prepare.call(this, source);
    });
    state.h = openHarness();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    state.h.cleanup();
  });
  return state;
}

/**
 * SQLite's plan for `sql` on the harness's database, one line per step (any arguments do); `setup`
 * runs first on the same connection (e.g. to change the statistics it plans with).
 */
export function planOf(h: Harness, sql: string, setup?: string): string[] {
  const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: setup === undefined });
  try {
    if (setup !== undefined) db.exec(setup);
    const args = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 1);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((row) => row.detail);
  } finally {
    db.close();
  }
}
