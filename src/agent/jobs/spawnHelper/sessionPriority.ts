/**
 * Where Linux's autogroup is on (sched(7), "The autogroup feature"), the scheduler shares the CPU
 * between sessions first, each weighed by its autogroup's nice value, and only then between a
 * session's threads by their own nice values. An agent started as production starts it (systemd, or
 * `setsid nohup` over SSH) is a session of its own, so renicing its threads (agentPriority.ts) orders
 * it only against itself: it weighs what the coordinator's whole session weighs whatever its nice.
 * Raising its session's autogroup nice is what makes it yield to the coordinator. Its spawn helper
 * (`detached`) and its jobs (`setsid`) are sessions of their own, each a fresh autogroup at nice 0,
 * so they keep their priority. A process may raise its own autogroup's nice without privilege.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** The files read and written; tests point them at stand-ins. */
export interface AutogroupFiles {
  /** `/autogroup-N nice V`: this process's autogroup and its nice value; written with a new value. */
  autogroup: string;
  /** `1` where autogroup is on, `0` where the kernel has it but it is off. */
  enabled: string;
  /** This process's stat line: its pid and its session id. */
  stat: string;
}

export const OWN_AUTOGROUP: AutogroupFiles = {
  autogroup: '/proc/self/autogroup',
  enabled: '/proc/sys/kernel/sched_autogroup_enabled',
  stat: '/proc/self/stat',
};

/** What raiseSessionNice did: the session's nice before and after, or why it left it alone. */
export type SessionYield = { applied: true; from: number; nice: number } | { applied: false; reason: string };

export interface RaiseSessionNiceOptions {
  files?: AutogroupFiles;
  /** Writes the new value; the kernel's file unless a test stands in for it. */
  write?: (path: string, value: string) => void;
  /** Waits between tries after EAGAIN. */
  sleep?: (ms: number) => Promise<void>;
}

const LOWEST_PRIORITY = 19;
/**
 * The kernel takes an unprivileged autogroup write at most every 100 ms, host-wide, and answers
 * EAGAIN to others: agents started together on one host take turns. 20 tries span 2 s.
 */
const BUSY_RETRY_MS = 110;
const BUSY_TRIES = 20;

/** The nice value in /proc/PID/autogroup's `/autogroup-42 nice 0`; undefined for anything else. */
export function parseAutogroupNice(text: string): number | undefined {
  const match = /^\/autogroup-\d+ nice (-?\d+)\s*$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether the process whose /proc/PID/stat line this is leads its session (its pid is the session id). */
export function leadsItsSession(statLine: string): boolean {
  const pid = statLine.slice(0, statLine.indexOf(' '));
  // The command's name, in parentheses, may hold spaces; the fields after it are state, ppid, pgrp, session.
  const session = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[3];
  return pid !== '' && pid === session;
}

/**
 * Raises this process's session's autogroup nice by `steps` (capped at 19) where there is one to
 * raise and the session is this process's own: an agent that shares its session (started from a
 * shell, or as a child of the coordinator's own process) would renice the processes it shares it
 * with, the coordinator among them. Anything that stops it (no /proc, a kernel without autogroup, a
 * read-only /proc) leaves the agent as it was, and says why.
 */
export async function raiseSessionNice(steps: number, options: RaiseSessionNiceOptions = {}): Promise<SessionYield> {
  const { files = OWN_AUTOGROUP, write = writeFileSync, sleep = defaultSleep } = options;
  // The session is checked first: a process in the boot session (a container's, a CI runner's) is in
  // the kernel's default autogroup, whose file reads empty, and the reason that matters is the session.
  const unfit = whyNotThisSession(files);
  if (unfit) return { applied: false, reason: unfit };
  const from = readAutogroupNice(files);
  if (typeof from === 'string') return { applied: false, reason: from };
  const nice = Math.min(LOWEST_PRIORITY, from + steps);
  if (nice === from) return { applied: true, from, nice };
  for (let tries = 1; ; tries++) {
    try {
      write(files.autogroup, String(nice));
      return { applied: true, from, nice };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && tries < BUSY_TRIES) await sleep(BUSY_RETRY_MS);
      else return { applied: false, reason: `${files.autogroup} could not be written: ${(error as Error).message}` };
    }
  }
}

/** The session's present autogroup nice, or why there is none to read. */
function readAutogroupNice(files: AutogroupFiles): number | string {
  let text: string;
  try {
    text = readFileSync(files.autogroup, 'utf8');
  } catch (error) {
    return `no autogroup to raise (${(error as Error).message})`;
  }
  // The kernel prints nothing for a process in its default autogroup (the root task group's).
  if (text.trim() === '') return `${files.autogroup} is empty: the process is in the kernel's default autogroup, not one of its own`;
  return parseAutogroupNice(text) ?? `${files.autogroup} says ${JSON.stringify(text.trim())}, not an autogroup's nice`;
}

/** Why this process's session is not one to renice (autogroup off, or a session it does not lead); undefined if it is. */
function whyNotThisSession(files: AutogroupFiles): string | undefined {
  if (readOr(files.enabled, '1').trim() === '0') return 'autogroup is off (kernel.sched_autogroup_enabled = 0)';
  const stat = readOr(files.stat, '');
  if (!leadsItsSession(stat)) return 'the agent shares its session with processes it did not start (not started by setsid, systemd or the like)';
  return undefined;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
