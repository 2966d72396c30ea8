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

/** How often a paused job's leader is looked for: well inside node-pty's 200 ms before it destroys a dead job's pty unread. */
const LEADER_CHECK_MS = 50;

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

/** Alive, or a zombie not yet reaped; false once node-pty's waitpid has reaped it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Pty = ReturnType<NodePtyModule['spawn']>;

/**
 * Backpressure for a pty: pausing the master's read stream leaves output in the pty, so the job
 * blocks on write once its buffer fills. node-pty reports an exit only when the master closes, and
 * 200 ms after the leader died it destroys the master unread; so while paused the leader is watched
 * and its death resumes reading. What it left is at most the pty's buffer, but Linux gives the
 * reader of a pty its job has closed only the first few KB of that (node-pty #72, which drops output
 * in flight at an unpaused job's exit too): the pipe fallback has no such loss.
 */
function ptyFlowControl(child: Pty): { pause: () => void; resume: () => void; exited: () => void } {
  let watch: NodeJS.Timeout | undefined;
  let ended = false;
  const resume = (): void => {
    if (!watch) return;
    clearInterval(watch);
    watch = undefined;
    child.resume();
  };
  const pause = (): void => {
    // A leader already reaped may be inside node-pty's 200 ms: its output is read now, not paused.
    if (watch || ended || !isAlive(child.pid)) return;
    child.pause();
    watch = setInterval(() => {
      if (!isAlive(child.pid)) resume();
    }, LEADER_CHECK_MS).unref();
  };
  const exited = (): void => {
    ended = true;
    clearInterval(watch);
  };
  return { pause, resume, exited };
}

export function spawnPtyJob(pty: NodePtyModule, spec: JobProcessSpec): JobProcess {
  const [file, ...args] = spec.argv;
  let child: Pty;
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
  const flow = ptyFlowControl(child);
  // With `encoding: null` node-pty hands out Buffers, though its typings say string.
  child.onData((data: string | Buffer) => events.data('stdout', typeof data === 'string' ? Buffer.from(data) : data));
  child.onExit(({ exitCode, signal }) => {
    flow.exited();
    // node-pty starts the child with setsid, so its pid leads a group holding every descendant;
    // leftovers there (a forgotten `cmd &`) would hold the pty open, so they end with the job.
    killGroup(child.pid, 'SIGKILL');
    const result: JobExit = signal ? { code: null, signal: SIGNAL_NAMES.get(signal) ?? 'SIGKILL' } : { code: exitCode, signal: null };
    // node-pty may deliver the last output in the same tick as the exit; the contract puts exit after data.
    setImmediate(() => events.ended(result));
  });
  return { ...events.handle(child.pid), pause: flow.pause, resume: flow.resume };
}

/** Jobs under a pty when node-pty loaded, on pipes otherwise (a node-pty built for the wrong ABI, Windows without ConPTY). */
export function localSpawnJob(pty: NodePtyModule | null): SpawnJob {
  return pty ? (spec) => spawnPtyJob(pty, spec) : spawnPipedJob;
}
