import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBundleIsFresh } from '../../../bin/cliBundle.js';
import { REPO_ROOT, startTestCoordinator, type TestCoordinator } from './harness';

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built CLI (npm run build:cli)', () => {
  let server: TestCoordinator;
  beforeAll(async () => {
    const built = await run([join(REPO_ROOT, 'scripts', 'build-cli.mjs')]);
    expect(built.code, built.stderr).toBe(0);
    server = await startTestCoordinator();
  });
  afterAll(() => server?.close());

  it('is what bin/gantry.js runs right after a build, and prints the package version', async () => {
    expect(cliBundleIsFresh(REPO_ROOT)).toBe(true);
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const direct = await run([join(REPO_ROOT, 'out', 'cli', 'gantry.js'), '--version']);
    expect(direct.stdout.trim()).toBe(version);
  });

  it('submits, lists and explains jobs against a real coordinator', async () => {
    const bundle = join(REPO_ROOT, 'out', 'cli', 'gantry.js');
    const submitted = await run([bundle, 'submit', '--name', 'from-bundle', '--', 'echo', 'hi'], server.env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = Number(submitted.stdout.trim());
    const listed = await run([bundle, 'ls'], server.env);
    expect(listed.stdout).toContain('from-bundle');
    const why = await run([bundle, 'why', String(id)], server.env);
    expect(why.stdout).toContain(`job ${id}`);
  });
});
