import { constants } from 'node:os';
import type { JobExit, JobProcess, LogStream } from './jobProcess';

const ESRCH = constants.errno.ESRCH;

/** The shape of node's `process._kill`, which is not in @types/node. */
type NodeRawKill = (pid: number, signal: number) => number;

/**
 * Signals `pid` through node's own kill under process.kill, which returns libuv's error (0 or a
 * negative errno) instead of throwing it; undefined where this node has no such function, and the
 * caller then uses process.kill. Undocumented, so read at each call and never relied on: the
 * fallback is the documented path, tested with `_kill` taken away. Kept because it pays: at a
 * job's end its group is nearly always gone (ESRCH), and process.kill's error for that, even with
 * no stack trace, costs ~40 µs of agent CPU per job under the agent's `--no-opt`, this way ~6 µs
 * (`npm run bench -- agent-kill`, timed in each job's exit handler, variants alternated job by job,
 * 5 × 4,000 jobs at load ~8: medians 52 [49–56] against 14 [13–14] µs, 8 of them the timer's own),
 * ~2% of an agent's CPU per job (bench/README.md, e2e.agent.cpu_ms_per_job).
 */
function killReturningErrno(pid: number, signalNumber: number): number | undefined {
  const nodeKill = (process as unknown as { _kill?: NodeRawKill })._kill;
  return typeof nodeKill === 'function' ? nodeKill.call(process, pid, signalNumber) : undefined;
}

/**
 * Signals a job's whole process group; a group already gone is not an error. Any failure other
 * than ESRCH, or a node without `_kill`, goes through process.kill, which throws it with its stack.
 */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  const signalNumber = constants.signals[signal] as number | undefined;
  if (signalNumber !== undefined) {
    const error = killReturningErrno(-pid, signalNumber);
    if (error === 0 || error === -ESRCH) return;
  }
  killGroupThrowing(pid, signal);
}

/** process.kill, with no stack trace captured for the ESRCH it expects. */
function killGroupThrowing(pid: number, signal: NodeJS.Signals): void {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      // Another failure (EPERM) is thrown on with its stack, as before.
      Error.stackTraceLimit = stackTraceLimit;
      Error.captureStackTrace(error as Error, killGroup);
      throw error;
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The bookkeeping every JobProcess shares, whatever starts the process (pipes, a pty): data fanned
 * out to listeners, one exit that late listeners still hear, and kill() reaching the group until then.
 */
export class JobProcessEvents {
  private readonly dataListeners: Array<(stream: LogStream, bytes: Buffer) => void> = [];
  private readonly exitListeners: Array<(exit: JobExit) => void> = [];
  private exit: JobExit | undefined;

  data(stream: LogStream, bytes: Buffer): void {
    for (const listener of this.dataListeners) listener(stream, bytes);
  }

  /** The first call wins; later ones (a second exit path) are ignored. */
  ended(result: JobExit): void {
    if (this.exit) return;
    this.exit = result;
    for (const listener of this.exitListeners) listener(result);
  }

  handle(pid: number | undefined): JobProcess {
    return {
      pid,
      onData: (listener) => void this.dataListeners.push(listener),
      onExit: (listener) => {
        if (this.exit) listener(this.exit);
        else this.exitListeners.push(listener);
      },
      kill: (signal) => {
        if (!this.exit) killGroup(pid, signal);
      },
    };
  }
}
