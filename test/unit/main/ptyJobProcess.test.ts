import * as pty from 'node-pty';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { JobExit, JobProcess } from '../../../src/agent';
import { spawnPtyJob, localSpawnJob } from '../../../src/main/jobs/ptyJobProcess';
import { waitFor } from '../../support/waitFor';

function collect(child: JobProcess): Promise<{ output: string; exit: JobExit }> {
  return new Promise((resolve) => {
    let output = '';
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    child.onExit((exit) => resolve({ output, exit }));
  });
}

/** Alive and not a zombie: a zombie has ended, it only waits for its parent to reap it. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

const spec = (argv: string[]) => ({ argv, cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });

describe('pty job process', () => {
  it('runs the job under a terminal and delivers all output before the exit code', async () => {
    const { output, exit } = await collect(spawnPtyJob(pty, spec(['/bin/sh', '-c', 'test -t 1 && echo tty; seq 1 200 | tail -1; exit 3'])));
    expect(output).toContain('tty');
    expect(output).toContain('200');
    expect(exit).toEqual({ code: 3, signal: null });
  });

  it('stops the whole process group with the signal given, background children included', async () => {
    // The background child ignores SIGHUP, so the pty closing cannot kill it: only a signal to the group does.
    const child = spawnPtyJob(pty, spec(['/bin/sh', '-c', 'trap "" HUP; sleep 30 & echo "background=$!"; sleep 30; echo never']));
    let output = '';
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    const done = collect(child);
    const background = Number(await waitFor(() => /background=(\d+)/.exec(output)?.[1], 'the job to start its background child'));
    expect(isRunning(background)).toBe(true);
    child.kill('SIGTERM');
    const { exit } = await done;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    await waitFor(() => !isRunning(background), `background child ${background} to die with its group`, 10_000);
  });

  it('falls back to pipes when node-pty could not be loaded', async () => {
    const { output, exit } = await collect(localSpawnJob(null)(spec(['/bin/sh', '-c', 'test -t 1 || echo piped'])));
    expect(output).toContain('piped');
    expect(exit.code).toBe(0);
  });
});
