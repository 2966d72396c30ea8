import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcessesUnder, registeredRunDirs, RUN_DIRS_ENV } from './strayProcesses';

/**
 * Once per `vitest run`: a list where helpers that start detached processes (test sshd, agents
 * over SSH) record their temp dirs, and at the end, failed or timed out, the processes still living
 * there are killed and the dirs removed. Test files stop what they start in afterAll too; this
 * catches what a worker killed by a timeout never got to stop.
 */
export default function setup(): () => void {
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
