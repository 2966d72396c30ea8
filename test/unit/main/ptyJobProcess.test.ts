import * as pty from 'node-pty';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Blocks the event loop as a long synchronous task would (the desktop main process runs the coordinator's SQLite). */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const threadIds = (): Set<string> => new Set(readdirSync('/proc/self/task'));

/** node-pty's 200 ms between the leader's exit and destroying the pty's read stream unread. */
const NODE_PTY_DESTROY_SOCKET_TIMEOUT_MS = 200;

/** What node-pty's UnixTerminal has beyond its typings: the slave's path, and the `once('close', ...)` its exit callback calls right after arming its 200 ms timeout. */
interface ClosingTerminal {
  ptsName: string;
  once(event: string, listener: (...args: unknown[]) => void): void;
}

interface BusyPty {
  module: typeof pty;
  blockUntilExitQueued: (timeoutMs: number) => void;
  armed: () => boolean;
  release: () => void;
}

/**
 * node-pty under an event loop that is busy as a job ends: each job's end can be waited for with
 * the loop blocked (`blockUntilExitQueued`), and the loop blocks past node-pty's destroy timeout
 * right after node-pty's exit callback has armed that timeout. `armed` says whether it did, so a test
 * knows it modelled what it meant to. Each pty's slave is also held open here, by something outside
 * the job's group as a daemon would be, until `release`: the pty stays open through the job's end
 * whatever becomes of the group, so node-pty's timeout is the only way its stream ends.
 */
function ptyBusyAtExit(): BusyPty {
  let armed = false;
  const waiters: string[] = [];
  const slaves: number[] = [];
  const blockOnceArmed = (terminal: ClosingTerminal): void => {
    const once = terminal.once.bind(terminal);
    terminal.once = (event, listener) => {
      once(event, listener);
      if (event !== 'close') return;
      armed = true;
      blockEventLoop(NODE_PTY_DESTROY_SOCKET_TIMEOUT_MS + 100);
    };
  };
  const spawn: typeof pty.spawn = (file, args, options) => {
    // node-pty starts a thread per job that waits for the leader, queues the exit callback and ends.
    const before = threadIds();
    const terminal = pty.spawn(file, args, options);
    waiters.push(...[...threadIds()].filter((id) => !before.has(id)));
    // Not in node-pty's typings: the UnixTerminal's slave path and its own `once`.
    const unix = terminal as unknown as ClosingTerminal;
    slaves.push(openSync(unix.ptsName, constants.O_RDWR | constants.O_NOCTTY));
    blockOnceArmed(unix);
    return terminal;
  };
  /** Blocks until node-pty has reaped the leader and queued its exit callback, so the loop has read nothing since. */
  const blockUntilExitQueued = (timeoutMs: number): void => {
    expect(waiters).toHaveLength(1);
    const deadline = Date.now() + timeoutMs;
    while (threadIds().has(waiters[0] ?? '')) {
      if (Date.now() > deadline) throw new Error(`node-pty's exit thread still there after ${timeoutMs} ms`);
      blockEventLoop(1);
    }
  };
  const release = (): void => {
    for (const fd of slaves.splice(0)) closeSync(fd);
  };
  return { module: { ...pty, spawn }, blockUntilExitQueued, armed: () => armed, release };
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

  it.each([
    { state: 'reading', pause: false },
    { state: 'paused', pause: true },
  ])('delivers what a $state job left in the pty when a background child holds it open and the event loop is busy as it ends', async ({ pause }) => {
    // The background child ignores SIGHUP, so the leader's exit leaves the pty open: no end of the
    // stream comes, and 200 ms after node-pty reports the exit it destroys the stream, unread. The
    // loop is blocked while the job writes and ends, and again as node-pty reports the exit, so what
    // the job wrote is still in the pty, but for at most a read or two, when that timeout is due.
    const dir = mkdtempSync(join(tmpdir(), 'pty-end-'));
    const go = join(dir, 'go');
    // Well within the pty's buffer, so the job ends without being read; over the two 4095-byte
    // reads the loop may make before the timeout.
    const count = 2_000;
    const busy = ptyBusyAtExit();
    try {
      const child = spawnPtyJob(busy.module, spec(['/bin/sh', '-c', `trap "" HUP; sleep 30 & echo "started $!"; until [ -e '${go}' ]; do sleep 0.01; done; seq 1 ${count}`]));
      const done = collect(child);
      let output = '';
      child.onData((_stream, bytes) => { output += bytes.toString(); });
      const background = Number(await waitFor(() => /started (\d+)\r\n/.exec(output)?.[1], 'the job to start'));
      if (pause) child.pause?.();
      writeFileSync(go, '');
      busy.blockUntilExitQueued(10_000);
      const { output: all, exit } = await done;
      expect(busy.armed()).toBe(true);
      expect(exit).toEqual({ code: 0, signal: null });
      const expected = `started ${background}\r\n${seqOnTerminal(count)}`;
      expect(all.length).toBe(expected.length);
      expect(all).toBe(expected);
      // The job's group ends with it, so what held the pty open is gone too.
      await waitFor(() => !isRunning(background), `background child ${background} to die with its group`, 10_000);
    } finally {
      busy.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to pipes when node-pty could not be loaded', async () => {
    const { output, exit } = await collect(localSpawnJob(null)(spec(['/bin/sh', '-c', 'test -t 1 || echo piped'])));
    expect(output).toContain('piped');
    expect(exit.code).toBe(0);
  });
});
