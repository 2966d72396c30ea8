import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentLogger } from '../logger';

/** Sub-folders whose contents belong to jobs (their scratch work), not to the agent. */
const JOB_OWNED = new Set(['scratch']);

/**
 * Makes the agent's state dir 0700 and its files 0600, whatever an earlier version or a
 * permissive umask left: unsent logs hold job output, and records name the agent's processes.
 * Returns how many entries were tightened.
 */
function tighten(dir: string): number {
  let changed = 0;
  if ((statSync(dir).mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    changed++;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (JOB_OWNED.has(entry.name)) {
        if ((statSync(path).mode & 0o077) !== 0) {
          chmodSync(path, 0o700);
          changed++;
        }
      } else changed += tighten(path);
    } else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      changed++;
    }
  }
  return changed;
}

/** Creates the state dir (0700) or fixes an existing one, warning when anything was open to others. */
export function secureStateDir(dir: string, logger: AgentLogger): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const changed = tighten(dir);
  if (changed > 0) logger.warn("the agent's state dir was readable by others; made it 0700 and its files 0600", { dir, entries: changed });
}
