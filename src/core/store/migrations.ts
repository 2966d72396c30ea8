/**
 * Versioned schema. Each entry runs once, in order, inside a transaction, and bumps `PRAGMA user_version`.
 * Never edit a shipped entry: append a new one. Entries are literal SQL, never built from live
 * constants (such as JOB_STATES): a constant that changes later would silently change what an old
 * entry meant, and databases already past it would never see the change.
 * test/unit/core/store/migrations.test.ts opens databases made by earlier builds (test/fixtures/databases).
 */
import { FLEET } from './schema/fleet';
import { FOUNDATION } from './schema/foundation';
import { WORKLOADS } from './schema/workloads';
import { STAGED_DATA } from './schema/stagedData';

/** Every entry in the order it runs: append new ones to the end of STAGED_DATA. */
export const MIGRATIONS: string[] = [...FOUNDATION, ...FLEET, ...WORKLOADS, ...STAGED_DATA];
