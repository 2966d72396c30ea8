import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder under the OS temp dir, removed by `remove()` at the end of the run. */
export function makeTempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `gantry-bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
