import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { createCoordinator, type Coordinator } from '../../../../src/core';
import { tempDir } from '../../../support/coordinator';

/** A data directory a test opens, closes and reopens a coordinator on, as an upgrade would. */
export interface UpgradedDataDir {
  /** Makes a fresh directory for this test and returns its path. */
  create(prefix: string): string;
  /** Opens a coordinator on the directory (running its migrations), closed after the test if still open. */
  open(): Coordinator;
  /** Closes the open coordinator, so the database can be changed underneath as an older version left it. */
  close(): void;
}

/** Registers an afterEach that closes the coordinator and removes the directory, even when a test failed. */
export function useUpgradedDataDir(): UpgradedDataDir {
  let dir: string | null = null;
  let coordinator: Coordinator | null = null;
  const close = (): void => {
    coordinator?.close();
    coordinator = null;
  };
  afterEach(() => {
    close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return {
    create(prefix) {
      dir = tempDir(prefix);
      return dir;
    },
    open() {
      if (!dir) throw new Error('create() the data directory first');
      coordinator = createCoordinator({ dataDir: dir, now: () => 1_750_000_100_000, sweepIntervalMs: null });
      return coordinator;
    },
    close,
  };
}
