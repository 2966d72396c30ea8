import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc/PID/stat times (USER_HZ; 100 on every mainstream build). */
const TICKS_PER_S = 100;

/**
 * CPU a process has used itself so far (user + system, not its waited-for children's), in ms; null
 * where /proc cannot say. Unlike wall time, it holds up on a loaded machine: a per-job CPU figure is
 * what tells where a job's cost goes while four other engineers share the cores.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}
