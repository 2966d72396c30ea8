import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { getPriority, release } from 'node:os';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { readSchedSlice, setSchedSlice } from '../../../bench/lib/schedSlice';

const SHORT_NS = 100_000;
/** Custom slices came with Linux 6.12; older kernels take sched_setattr and ignore sched_runtime. */
const [major, minor] = release().split('.').map(Number);
const customSlices = major > 6 || (major === 6 && minor >= 12);

const started: ChildProcess[] = [];
const forked: number[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  // The shells' `sleep`s hold their stdout open; they outlive a killed shell.
  for (const pid of forked.splice(0)) process.kill(pid, 'SIGKILL');
});

/** A shell that waits for a line on stdin, then forks a `sleep` and prints its pid: a fork made after the slice was set. */
function startForker(prefix: string[] = []): { shell: ChildProcess; forkNow: () => Promise<number> } {
  const [command, ...args] = [...prefix, 'sh', '-c', 'read line; sleep 30 & echo $!; wait'];
  const shell = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(shell);
  const lines = createInterface({ input: shell.stdout! });
  const forkNow = async (): Promise<number> => {
    shell.stdin!.write('go\n');
    for await (const line of lines) {
      forked.push(Number(line));
      return Number(line);
    }
    throw new Error('the shell ended without forking');
  };
  return { shell, forkNow };
}

/**
 * The kernel's own account of a thread's slice (`se.slice` in /proc/PID/sched), in ns; where the
 * kernel has no /proc/PID/sched (6.12–6.15 built without CONFIG_SCHED_DEBUG), sched_getattr's.
 */
function procSlice(pid: number): number {
  if (!existsSync(`/proc/${pid}/sched`)) return readSchedSlice(pid);
  const line = readFileSync(`/proc/${pid}/sched`, 'utf8').split('\n').find((l) => l.startsWith('se.slice'));
  return Number(line?.split(':')[1]);
}

describe.runIf(process.platform === 'linux')("claim-priority's short slice (bench/lib/schedSlice.ts)", () => {
  it.runIf(customSlices)('shortens the thread’s slice, keeps its nice value, and leaves what it forks later at the default', async () => {
    const { shell, forkNow } = startForker(['nice', '-n', '5']);
    const pid = shell.pid!;
    const defaultNs = procSlice(pid);
    expect(setSchedSlice(pid, SHORT_NS, true)).toBe(SHORT_NS);
    expect(procSlice(pid)).toBe(SHORT_NS);
    expect(getPriority(pid)).toBe(5);
    expect(procSlice(await forkNow())).toBe(defaultNs);
  });

  it.runIf(customSlices)('without reset-on-fork, a later child inherits the short slice (why the variants set the flag on the server and agents)', async () => {
    const { shell, forkNow } = startForker();
    expect(setSchedSlice(shell.pid!, SHORT_NS, false)).toBe(SHORT_NS);
    expect(procSlice(await forkNow())).toBe(SHORT_NS);
  });

  it.runIf(!customSlices)('reports a slice other than the one asked for on a kernel before 6.12, so the bench stops rather than measure nothing', () => {
    const { shell } = startForker();
    expect(setSchedSlice(shell.pid!, SHORT_NS, true)).not.toBe(SHORT_NS);
  });
});
