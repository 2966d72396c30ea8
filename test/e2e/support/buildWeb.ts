import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUN_DIRS_ENV } from '../../support/strayProcesses';
import { REPO } from './gantryServe';

const LOCK = join(REPO, 'out', '.web-build.lock');
// A build takes well under this; a lock older than it was left by a worker killed mid-build.
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Builds the browser console into out/web, as `npm run build:web` does, once per `vitest run`.
 * Vite empties out/web before it writes, so a second e2e file building while a first one's
 * Chromium loads pages from it made that first file fail; the files of one run share one build,
 * made under a lock, and the marker of that run lives in the run's own temp dir.
 */
export function buildWeb(): void {
  const runList = process.env[RUN_DIRS_ENV];
  if (!runList) return viteBuild();
  const marker = join(dirname(runList), 'web-built');
  for (;;) {
    if (existsSync(marker)) return;
    if (!takeLock()) {
      sleepSync(200);
      continue;
    }
    try {
      if (!existsSync(marker)) {
        viteBuild();
        writeFileSync(marker, '');
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
    return;
  }
}

function viteBuild(): void {
  execFileSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
}

/** mkdir is atomic: exactly one caller creates the lock. */
function takeLock(): boolean {
  mkdirSync(dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    if (Date.now() - lockMtime() > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

function lockMtime(): number {
  try {
    return statSync(LOCK).mtimeMs;
  } catch {
    return Date.now();
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
