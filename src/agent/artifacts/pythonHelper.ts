import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON_HELPER_SOURCE } from './pythonHelperSource';

/**
 * Writes gantry_job.py into `<stateDir>/python` and returns that folder, which every job gets on
 * its PYTHONPATH. Written at each start, so an upgraded agent brings its own helper along.
 */
export function installPythonHelper(stateDir: string): string {
  const dir = join(stateDir, 'python');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'gantry_job.py'), PYTHON_HELPER_SOURCE, { mode: 0o600 });
  return dir;
}
