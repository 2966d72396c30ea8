import { constants } from 'node:os';
import { JobProcessEvents, killGroup, spawnPipedJob, type JobExit, type JobProcess, type JobProcessSpec, type SpawnJob } from '../../agent';
import type { NodePtyModule } from '../terminal/loadNodePty';

/**
 * The local worker's jobs run under a pseudo-terminal so tqdm-style progress bars redraw in
 * place and programs keep their colours, as they would in the user's terminal. A pty has one
 * output stream, so stdout and stderr arrive merged as 'stdout' (metric lines still parse).
 */
const COLUMNS = 160;
const ROWS = 48;

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

function failedToStart(error: Error): JobProcess {
  return {
    pid: undefined,
    onData: () => undefined,
    onExit: (listener) => listener({ code: null, signal: null, error }),
    kill: () => undefined,
  };
}

export function spawnPtyJob(pty: NodePtyModule, spec: JobProcessSpec): JobProcess {
  const [file, ...args] = spec.argv;
  let child: ReturnType<NodePtyModule['spawn']>;
  try {
    child = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: COLUMNS,
      rows: ROWS,
      cwd: spec.cwd,
      env: { TERM: 'xterm-256color', ...spec.env },
      encoding: null,
    });
  } catch (error) {
    return failedToStart(error as Error);
  }
  const events = new JobProcessEvents();
  // With `encoding: null` node-pty hands out Buffers, though its typings say string.
  child.onData((data: string | Buffer) => events.data('stdout', typeof data === 'string' ? Buffer.from(data) : data));
  child.onExit(({ exitCode, signal }) => {
    // node-pty starts the child with setsid, so its pid leads a group holding every descendant;
    // leftovers there (a forgotten `cmd &`) would hold the pty open, so they end with the job.
    killGroup(child.pid, 'SIGKILL');
    const result: JobExit = signal ? { code: null, signal: SIGNAL_NAMES.get(signal) ?? 'SIGKILL' } : { code: exitCode, signal: null };
    // node-pty may deliver the last output in the same tick as the exit; the contract puts exit after data.
    setImmediate(() => events.ended(result));
  });
  return events.handle(child.pid);
}

/** Jobs under a pty when node-pty loaded, on pipes otherwise (a node-pty built for the wrong ABI, Windows without ConPTY). */
export function localSpawnJob(pty: NodePtyModule | null): SpawnJob {
  return pty ? (spec) => spawnPtyJob(pty, spec) : spawnPipedJob;
}
