import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import setup from '../../support/globalSetup';
import { processesUnder, registerRunDir, RUN_DIRS_ENV } from '../../support/strayProcesses';
import { isDead } from '../../support/isDead';
import { waitFor } from '../../support/waitFor';

const started: ChildProcess[] = [];
const made: string[] = [];

/** A detached node process that runs until killed, as an agent started over SSH does. */
function detached(args: string[], cwd?: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)', '--', ...args], { detached: true, stdio: 'ignore', cwd });
  child.unref();
  started.push(child);
  return child.pid!;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the test run's teardown of stray processes", () => {
  it("hands the run's list of temp dirs to every test worker (vitest.config.ts globalSetup)", () => {
    expect(process.env[RUN_DIRS_ENV]).toMatch(/gantry-test-run-.*\/dirs$/);
    expect(existsSync(process.env[RUN_DIRS_ENV]!)).toBe(true);
  });

  it('finds processes by an argv word, a --flag= value or a cwd under the dirs, and none beside them', async () => {
    const dir = tempDir('gantry-stray-');
    mkdirSync(join(dir, 'home'));
    const byArg = detached([join(dir, 'home', '.gantry', 'agent.js')]);
    const byFlag = detached([`--token-file=${join(dir, 'token')}`]);
    const byCwd = detached([], join(dir, 'home'));
    const beside = detached([`${dir}-other/agent.js`]);
    await waitFor(() => processesUnder([dir]).length === 3, 'the three processes under the dir to show in /proc');
    expect(processesUnder([dir]).sort()).toEqual([byArg, byFlag, byCwd].sort());
    expect(processesUnder([dir])).not.toContain(beside);
    expect(processesUnder([])).toEqual([]);
  });

  it("kills, at the run's end, what lives under the dirs registered during the run, removes those dirs, and leaves the rest running", async () => {
    const saved = process.env[RUN_DIRS_ENV];
    const teardown = setup();
    try {
      const dir = tempDir('gantry-stray-');
      registerRunDir(dir);
      const stray = detached([join(dir, 'gantry-agent.js')]);
      const unrelated = detached([join(tempDir('gantry-unrelated-'), 'gantry-agent.js')]);
      await waitFor(() => processesUnder([dir]).includes(stray), 'the stray agent to show in /proc');
      teardown();
      await waitFor(() => isDead(stray), 'the stray agent to be killed');
      expect(existsSync(dir)).toBe(false);
      expect(isDead(unrelated)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env[RUN_DIRS_ENV];
      else process.env[RUN_DIRS_ENV] = saved;
    }
  });
});
