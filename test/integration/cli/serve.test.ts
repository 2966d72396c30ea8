import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childExit, stopChild } from '../../support/stopChild';
import { REPO_ROOT, runGantry, stdoutText } from './harness';

let dataDir: string | undefined;
afterEach(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('gantry serve', () => {
  it('prints its URL and token, serves the CLI through the data dir, and exits 0 on SIGTERM', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-serve-it-'));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'serve', '--data-dir', dataDir, '--port', '0'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = childExit(child);
    const banner = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C to stop.')) resolve(stdout);
      });
      void exited.then(({ code }) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });

    const url = /Gantry is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    expect(banner).toContain(`${url}/?token=${token}`);
    expect(banner).toContain(`token:    ${token}`);
    expect(JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8'))).toMatchObject({ url });

    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);

    // Found through server.json and admin-token alone, and run by the local worker.
    const env = { GANTRY_DATA_DIR: dataDir };
    const id = stdoutText(await runGantry(['submit', '--', 'echo', 'hello from serve'], env)).trim();
    const wait = await runGantry(['wait', '--timeout', '60', id], env);
    expect(wait.code).toBe(0);
    expect(stdoutText(await runGantry(['logs', id], env))).toBe('hello from serve\n');

    expect(await stopChild(child, { signal: 'SIGTERM' })).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });

  it('says where the token is instead of printing it again on the next start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-serve-it-'));
    const start = async (): Promise<string> => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gantry.js'), 'serve', '--data-dir', dataDir as string, '--port', '0', '--no-local-worker'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Press Ctrl-C to stop.')) resolve();
        }),
      );
      expect(await stopChild(child, { signal: 'SIGINT' })).toEqual({ code: 0, signal: null });
      return stdout;
    };
    const first = await start();
    const second = await start();
    expect(first).toMatch(/admin token, shown once/);
    expect(second).not.toMatch(/shown once/);
    expect(second).toContain(`token:    in ${join(dataDir, 'admin-token')}`);
    expect(second).toContain('worker:   none (--no-local-worker)');
  });
});
