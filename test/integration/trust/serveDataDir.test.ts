import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthLogEntry } from '../../../src/shared';
import { childExit, stopChild } from '../../support/stopChild';
import { REPO_ROOT, runGantry, stdoutText } from '../cli/harness';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('gantry serve on a data dir left world-readable', () => {
  it('makes the dir 0700 and every file in it 0600, warns, and logs token changes and failures in the auth log', async () => {
    root = mkdtempSync(join(tmpdir(), 'gantry-serve-modes-'));
    const dataDir = join(root, 'data');
    // What an older Gantry left: a 0755 dir and a 0644 file in it.
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'job-token-secret'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    chmodSync(join(dataDir, 'job-token-secret'), 0o644);

    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--no-local-worker'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = childExit(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C to stop.')) resolve();
      });
      void exited.then(({ code }) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });
    expect(stderr).toMatch(/readable by other users; made owner-only/);
    const url = /Gantry is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
    expect((await fetch(`${url}/api/v1/jobs`, { headers: { authorization: 'Bearer gantry_wrong' } })).status).toBe(401);

    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dataDir)) {
      const stat = statSync(join(dataDir, name));
      expect(stat.mode & 0o777, name).toBe(stat.isDirectory() ? 0o700 : 0o600);
    }

    const log = await runGantry(['auth-log', '--json'], { GANTRY_DATA_DIR: dataDir });
    const entries = JSON.parse(stdoutText(log)) as AuthLogEntry[];
    expect(entries.map((e) => [e.kind, e.token_name])).toEqual(expect.arrayContaining([['token_created', 'admin'], ['failure', 'unknown']]));
    expect(entries.find((e) => e.kind === 'failure')).toMatchObject({ address: '127.0.0.1', route: 'GET /api/v1/jobs', reason: 'invalid or revoked token' });
    expect(await stopChild(child, { signal: 'SIGTERM' })).toEqual({ code: 0, signal: null });
  });
});
