/**
 * The agent's own work (HTTP, journals, log relaying) yields the CPU to the coordinator and to the
 * jobs, while the jobs run at the priority the agent was started with: the spawn helper is started
 * first, at the agent's priority, and forks every job; then the agent raises its own nice value.
 * Renicing the whole agent instead would renice its jobs for good, since a child inherits its
 * parent's nice value and an unprivileged process cannot lower it back (a training job's data
 * loaders would feel it). Under load, the agents' bookkeeping then waits for a core behind the
 * coordinator's replies instead of in front of them, which is most of a claim's latency on a busy
 * host (bench/README.md, e2e.claim). Under Linux's autogroup a thread's nice value orders it only
 * within its session; sessionPriority.ts yields the agent's session to the others.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Nice steps the agent adds to its own priority unless told otherwise (`--nice`, GANTRY_AGENT_NICE):
 * none, as yielding did not bring the claim's p95 under 5 ms in any measurement under load, and with
 * the session's autogroup yielding too (sessionPriority.ts) it halved jobs/s of short jobs
 * (bench/README.md, "The agents' sessions' autogroup nice"); `--nice 10` is the measured setting.
 */
export const DEFAULT_AGENT_NICE = 0;
/** The environment variable that sets `--nice` for launchers that cannot pass flags. */
export const AGENT_NICE_ENV = 'GANTRY_AGENT_NICE';
const LOWEST_PRIORITY = 19;

/**
 * `--nice N` (else GANTRY_AGENT_NICE, else the default) as a number of steps from 0 to 19; throws
 * naming the flag for anything else.
 */
export function agentNiceSteps(flag: string | undefined, env: string | undefined): number {
  const [name, raw] = flag !== undefined ? ['--nice', flag] : env !== undefined && env !== '' ? [AGENT_NICE_ENV, env] : [undefined, undefined];
  if (raw === undefined) return DEFAULT_AGENT_NICE;
  const steps = Number(raw);
  if (!(raw.trim() !== '' && Number.isInteger(steps) && steps >= 0 && steps <= LOWEST_PRIORITY)) {
    throw new RangeError(`${name} must be a whole number from 0 to ${LOWEST_PRIORITY}, got ${JSON.stringify(raw)}`);
  }
  return steps;
}

/**
 * Raises this process's nice value by `steps` (capped at 19) and returns the new value. On Linux a
 * nice value belongs to a thread, so each of the process's threads is reniced: V8's GC and compiler
 * threads and libuv's pool work for the agent too. Threads started later inherit the value.
 */
export function raiseOwnNice(steps: number): number {
  const target = Math.min(LOWEST_PRIORITY, getPriority() + steps);
  for (const thread of ownThreads()) {
    try {
      setPriority(thread, target);
    } catch (error) {
      // A thread that ended since the listing is no longer ours to renice.
      if ((error as { info?: { code?: string } }).info?.code !== 'ESRCH') throw error;
    }
  }
  return target;
}

/** This process's thread ids; 0 (the calling process) where /proc is not there to list them. */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0];
  }
}
