import * as pty from 'node-pty';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { JobExit, JobProcess } from '../../../src/agent';
import { spawnPtyJob, localSpawnJob } from '../../../src/main/jobs/ptyJobProcess';
import { settledLength } from '../../support/settledLength';
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

/** What `seq 1 count` prints on a terminal, whose output processing turns each newline into CR LF. */
const seqOnTerminal = (count: number): string => Array.from({ length: count }, (_, i) => `${i + 1}\r\n`).join('');

const spec = (argv: string[]) => ({ argv, cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });

describe('pty job process', () => {
  it('runs the job under a terminal and delivers all output before the exit code', async () => {
    const { output, exit } = await collect(spawnPtyJob(pty, spec(['/bin/sh', '-c', 'test -t 1 && echo tty; seq 1 200 | tail -1; exit 3'])));
    expect(output).toContain('tty');
    expect(output).toContain('200');
    expect(exit).toEqual({ code: 3, signal: null });
  });

  it('delivers every byte of a large output that ends as the job exits', async () => {
    // The job exits with up to the pty's whole buffer (tens of KB) unread. Linux lets the master read
    // at most 4095 bytes a time, and libuv takes a short read with the pty hung up for the end of the
    // output, so the rest was dropped in most runs: several runs make the loss all but certain.
    const count = 200_000;
    for (let run = 0; run < 5; run += 1) {
      const { output, exit } = await collect(spawnPtyJob(pty, spec(['seq', '1', String(count)])));
      expect(exit).toEqual({ code: 0, signal: null });
      expect(output.length).toBe(seqOnTerminal(count).length);
      expect(output).toBe(seqOnTerminal(count));
    }
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

  it('delivers no more output while paused, blocking the job, and all of it byte for byte after resume', async () => {
    const count = 200_000;
    const child = spawnPtyJob(pty, spec(['seq', '1', String(count)]));
    let output = '';
    let exited = false;
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    const done = new Promise<JobExit>((resolve) => child.onExit((exit) => { exited = true; resolve(exit); }));
    await waitFor(() => output.length > 0, 'the first output');
    child.pause?.();
    const held = await settledLength(() => output.length);
    // Output that stopped growing before the end, with the job still there, is the job blocked on the full pty.
    expect(exited).toBe(false);
    expect(held).toBeLessThan(seqOnTerminal(count).length);
    child.resume?.();
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output).toBe(seqOnTerminal(count));
  });

  it('reads what a job left in the pty when it ends while paused, and reports its exit', async () => {
    // Small enough to fit in the pty's buffer (which holds less than 30 KB of seq's line-by-line writes),
    // so the job ends without being read at all; and well over the 4095 bytes the master gives a read,
    // the most that came after such an end before the rest was read on.
    const count = 2_000;
    const child = spawnPtyJob(pty, spec(['seq', '1', String(count)]));
    child.pause?.();
    const { output, exit } = await collect(child);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toBe(seqOnTerminal(count));
  });

  it('falls back to pipes when node-pty could not be loaded', async () => {
    const { output, exit } = await collect(localSpawnJob(null)(spec(['/bin/sh', '-c', 'test -t 1 || echo piped'])));
    expect(output).toContain('piped');
    expect(exit.code).toBe(0);
  });
});
