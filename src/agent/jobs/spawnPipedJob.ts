import { spawn } from 'node:child_process';
import type { JobExit, JobProcess, JobProcessSpec, LogStream } from './jobProcess';

const ORPHAN_PIPE_WAIT_MS = 5_000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Starts a job with stdout and stderr on pipes, detached into its own process group. */
export function spawnPipedJob(spec: JobProcessSpec): JobProcess {
  const [file, ...args] = spec.argv;
  const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const dataListeners: Array<(stream: LogStream, bytes: Buffer) => void> = [];
  const exitListeners: Array<(exit: JobExit) => void> = [];
  let exit: JobExit | undefined;

  const emitExit = (result: JobExit): void => {
    if (exit) return;
    exit = result;
    for (const listener of exitListeners) listener(result);
  };
  child.stdout.on('data', (bytes: Buffer) => dataListeners.forEach((l) => l('stdout', bytes)));
  child.stderr.on('data', (bytes: Buffer) => dataListeners.forEach((l) => l('stderr', bytes)));
  child.on('error', (error) => {
    if (child.pid === undefined) emitExit({ code: null, signal: null, error });
  });
  let leaderExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on('exit', (code, signal) => {
    leaderExit = { code, signal };
    // The job ends with its leader. Leftovers in its group (a forgotten `cmd &`) would keep the pipes
    // open and the attempt running forever, so they go with it.
    killGroup(child.pid, 'SIGKILL');
    // A grandchild that left the group (setsid) may still hold the pipes; stop waiting for it.
    setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      emitExit({ code, signal });
    }, ORPHAN_PIPE_WAIT_MS).unref();
  });
  // 'close' comes after both pipes drained, so every byte is delivered before the exit.
  child.on('close', (code, signal) => {
    const result = leaderExit ?? { code, signal };
    emitExit({ code: result.code, signal: result.signal });
  });

  return {
    pid: child.pid,
    onData: (listener) => void dataListeners.push(listener),
    onExit: (listener) => {
      if (exit) listener(exit);
      else exitListeners.push(listener);
    },
    kill: (signal) => {
      if (!exit) killGroup(child.pid, signal);
    },
  };
}
