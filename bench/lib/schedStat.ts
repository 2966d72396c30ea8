import { readFileSync } from 'node:fs';

/**
 * What Linux's scheduler counted for a process's main thread (/proc/PID/schedstat): ms on a core,
 * ms runnable but waiting for one, and how many times it got one. Null where /proc cannot say. The
 * main thread is the one that runs a Node process's event loop, so its wait for a core is what a
 * request to it waits before any JavaScript runs.
 */
export interface SchedStat {
  runMs: number;
  waitMs: number;
  slices: number;
}

export function schedStat(pid: number): SchedStat | null {
  try {
    const [run, wait, slices] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6, slices };
  } catch {
    return null;
  }
}

/** Between two readings: ms waited for a core per second of wall time, and ms waited each time it got one. */
export function schedWait(before: SchedStat | null, after: SchedStat | null, wallMs: number): { msPerS: number; msPerSlice: number } {
  if (!before || !after) return { msPerS: Number.NaN, msPerSlice: Number.NaN };
  const waitMs = after.waitMs - before.waitMs;
  return { msPerS: (waitMs * 1000) / wallMs, msPerSlice: waitMs / Math.max(1, after.slices - before.slices) };
}
