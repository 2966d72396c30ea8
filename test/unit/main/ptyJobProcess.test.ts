import * as pty from 'node-pty';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { JobExit, JobProcess } from '../../../src/agent';
import { spawnPtyJob, localSpawnJob } from '../../../src/main/jobs/ptyJobProcess';

function collect(child: JobProcess): Promise<{ output: string; exit: JobExit }> {
  return new Promise((resolve) => {
    let output = '';
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    child.onExit((exit) => resolve({ output, exit }));
  });
}

const spec = (argv: string[]) => ({ argv, cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });

describe('pty job process', () => {
  it('runs the job under a terminal and delivers all output before the exit code', async () => {
    const { output, exit } = await collect(spawnPtyJob(pty, spec(['/bin/sh', '-c', 'test -t 1 && echo tty; seq 1 200 | tail -1; exit 3'])));
    expect(output).toContain('tty');
    expect(output).toContain('200');
    expect(exit).toEqual({ code: 3, signal: null });
  });

  it('stops the whole process group with the signal given', async () => {
    const child = spawnPtyJob(pty, spec(['/bin/sh', '-c', 'sleep 30 & sleep 30; echo never']));
    const done = collect(child);
    setTimeout(() => child.kill('SIGTERM'), 100);
    const { exit } = await done;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('falls back to pipes when node-pty could not be loaded', async () => {
    const { output, exit } = await collect(localSpawnJob(null)(spec(['/bin/sh', '-c', 'test -t 1 || echo piped'])));
    expect(output).toContain('piped');
    expect(exit.code).toBe(0);
  });
});
