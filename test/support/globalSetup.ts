import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundleIsFresh } from '../../bin/cliBundle.js';
import { killProcessesUnder, registeredRunDirs, RUN_DIRS_ENV } from './strayProcesses';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The CLI tests spawn bin/gantry.js over a hundred times. It runs the bundle in out/cli only while
 * that is newer than every source (CI's npm ci builds it), else the sources through tsx: about 1 s
 * of CPU a run instead of 0.3 s, which at load 20 pushed CLI tests past their timeouts in edited
 * checkouts. So a stale bundle is rebuilt once here (the build swaps it in whole). A failed build
 * leaves the CLI on its sources, as before, and says so.
 */
function freshenCliBundle(): void {
  if (cliBundleIsFresh(ROOT)) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    console.warn(`test setup: building the CLI bundle failed, CLI tests run it from source: ${String(error)}`);
  }
}

/**
 * Once per `vitest run`: a list where helpers that start detached processes (test sshd, agents
 * over SSH) record their temp dirs, and at the end, failed or timed out, the processes still living
 * there are killed and the dirs removed. Test files stop what they start in afterAll too; this
 * catches what a worker killed by a timeout never got to stop.
 */
export default function setup(): () => void {
  freshenCliBundle();
  const root = mkdtempSync(join(tmpdir(), 'gantry-test-run-'));
  const list = join(root, 'dirs');
  writeFileSync(list, '');
  // Workers are started after global setup and inherit this.
  process.env[RUN_DIRS_ENV] = list;
  return () => {
    const dirs = registeredRunDirs(list);
    const killed = killProcessesUnder(dirs);
    for (const { pid, argv } of killed) console.warn(`test teardown: killed ${pid}, left running under this run's temp dirs: ${argv.join(' ').slice(0, 300)}`);
    for (const dir of dirs) if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  };
}
