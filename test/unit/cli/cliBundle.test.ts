import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBundleIsFresh, cliBundlePath } from '../../../bin/cliBundle.js';

async function fakeRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gantry-cli-bundle-'));
  mkdirSync(join(root, 'out', 'cli'), { recursive: true });
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), '');
  writeFileSync(cliBundlePath(root), '');
  writeFileSync(join(root, 'out', 'cli', 'inputs.json'), JSON.stringify(['src/cli/main.ts']));
  return root;
}

const at = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);

describe('cliBundleIsFresh', () => {
  it('runs the bundle while it is newer than every source it was built from', async () => {
    const root = await fakeRoot();
    at(join(root, 'src', 'cli', 'main.ts'), 1_000);
    at(cliBundlePath(root), 2_000);
    expect(cliBundleIsFresh(root)).toBe(true);
  });

  it('runs from source once a source file was edited after the build', async () => {
    const root = await fakeRoot();
    at(cliBundlePath(root), 2_000);
    at(join(root, 'src', 'cli', 'main.ts'), 3_000);
    expect(cliBundleIsFresh(root)).toBe(false);
  });

  it('runs from source when the bundle, its input list or a source file is missing', async () => {
    expect(cliBundleIsFresh(join(tmpdir(), 'no-such-gantry-root'))).toBe(false);
    const root = await fakeRoot();
    writeFileSync(join(root, 'out', 'cli', 'inputs.json'), JSON.stringify(['src/cli/gone.ts']));
    expect(cliBundleIsFresh(root)).toBe(false);
  });
});
