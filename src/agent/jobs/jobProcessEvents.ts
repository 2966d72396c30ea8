import type { JobExit, JobProcess, LogStream } from './jobProcess';

/** Signals a job's whole process group; a group already gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
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
