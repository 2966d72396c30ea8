import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { openHarness, type Harness } from './coordinator';

export interface HarnessWithSide {
  /** A fresh coordinator on a fresh data dir, for each test. */
  h: Harness;
  /** A second connection to its database, reading what the coordinator wrote as another process would. */
  side: Database.Database;
}

/** Gives each test of the file a harness and a side connection to its database, closed after the test. */
export function useHarnessWithSideConnection(): HarnessWithSide {
  const current = {} as HarnessWithSide;
  beforeEach(() => {
    current.h = openHarness();
    current.side = new Database(join(current.h.dataDir, 'gantry.db'));
  });
  afterEach(() => {
    current.side.close();
    current.h.cleanup();
  });
  return current;
}
