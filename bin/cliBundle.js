// Where the CLI's bundle lives and whether it may run: bin/gantry.js uses it only while it is newer than
// every source file it was built from (out/cli/inputs.json, written by scripts/build-cli.mjs), so an edited
// checkout never runs stale code.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function cliBundlePath(root) {
  return join(root, 'out', 'cli', 'gantry.js');
}

export function cliBundleIsFresh(root) {
  try {
    const builtAt = statSync(cliBundlePath(root)).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, 'out', 'cli', 'inputs.json'), 'utf8'));
    return inputs.length > 0 && inputs.every((input) => statSync(join(root, input)).mtimeMs <= builtAt);
  } catch {
    // No bundle, no input list, or a source file gone: run from source.
    return false;
  }
}
