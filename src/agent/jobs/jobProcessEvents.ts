import { constants } from 'node:os';
import type { JobExit, JobProcess, LogStream } from './jobProcess';

/**
 * Node's own kill, under process.kill: it returns libuv's error (a negative errno) instead of
 * throwing. Undocumented, so only used when it is there; process.kill does the rest.
 */
const rawKill = (process as unknown as { _kill?: (pid: number, signal: number) => number })._kill;
const ESRCH = constants.errno.ESRCH;

/**
 * Signals a job's whole process group; a group already gone is not an error. At every job's end the
 * group is usually gone already (ESRCH), and process.kill reports that by throwing an error, whose
 * making cost ~25 µs of CPU per job even without a stack trace (bench/README.md,
 * e2e.agent.cpu_ms_per_job); node's own kill underneath returns it instead. Any other failure, or a
 * Node without it, goes through process.kill, which throws it with its stack.
 */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  const signalNumber = constants.signals[signal] as number | undefined;
  if (typeof rawKill === 'function' && signalNumber !== undefined) {
    const error = rawKill.call(process, -pid, signalNumber);
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
