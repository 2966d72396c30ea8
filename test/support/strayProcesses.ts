/**
 * Detached processes a test run leaves behind (agents started over SSH outlive their session by
 * design, an sshd whose test worker was killed by a timeout) are found by where they live: a
 * process whose argv or cwd lies under one of this run's temp dirs. Only those are killed, never
 * another engineer's or another run's processes, and never by name.
 */
import { appendFileSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

/** Env var naming the file where this run's temp dirs are listed, one a line (set by test/support/globalSetup.ts). */
export const RUN_DIRS_ENV = 'GANTRY_TEST_RUN_DIRS';

/** Records a temp dir of this run, so the run's teardown can kill what still lives there. */
export function registerRunDir(dir: string): void {
  const list = process.env[RUN_DIRS_ENV];
  if (list) appendFileSync(list, `${dir}\n`);
}

export function registeredRunDirs(list: string): string[] {
  return readFileSync(list, 'utf8').split('\n').filter((line) => line.startsWith(sep));
}

const under = (path: string, dirs: readonly string[]) => dirs.some((dir) => path === dir || path.startsWith(`${dir}${sep}`));

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

export interface StrayProcess {
  pid: number;
  argv: string[];
}

/** Processes (not this one) whose cwd, or any argv word (or its `--flag=` value), lies under one of `dirs`. */
export function strayProcessesUnder(dirs: readonly string[]): StrayProcess[] {
  if (dirs.length === 0) return [];
  const found: StrayProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = argvOf(pid);
    const words = argv.flatMap((arg) => [arg, arg.slice(arg.indexOf('=') + 1)]);
    const cwd = cwdOf(pid);
    if (words.some((word) => under(word, dirs)) || (cwd !== null && under(cwd, dirs))) found.push({ pid, argv });
  }
  return found;
}

export function processesUnder(dirs: readonly string[]): number[] {
  return strayProcessesUnder(dirs).map((p) => p.pid);
}

/** SIGKILLs every process living under `dirs`; returns what it signalled. */
export function killProcessesUnder(dirs: readonly string[]): StrayProcess[] {
  const found = strayProcessesUnder(dirs);
  for (const { pid } of found) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone between the scan and the signal.
    }
  }
  return found;
}
