import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { REPO_ROOT } from './harness';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dataDir: string | undefined;
let serverPid: number | undefined;
afterEach(async () => {
  if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('execs the server, as `npm run serve` does, so no shell sits between npm and it', async () => {
    const { scripts } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toMatch(/&& exec node bin\/gantry\.js serve$/);
    expect(scripts.serve).toBe('exec node bin/gantry.js serve');
  });

  it('leaves no orphan server when npm, its wrapper, is signalled', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-npm-start-'));
    const npm = spawn('npm', ['run', '--silent', 'serve', '--', '--port', '0', '--data-dir', dataDir, '--no-local-worker'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const info = await waitFor(async () => {
      try {
        return JSON.parse(await readFile(join(dataDir as string, 'server.json'), 'utf8')) as { pid: number };
      } catch {
        return null;
      }
    }, 'server.json from the server npm started');
    serverPid = info.pid;
    expect(alive(serverPid)).toBe(true);

    await stopChild(npm);
    await waitFor(() => !alive(info.pid), 'the server to stop with npm');
  });
});
