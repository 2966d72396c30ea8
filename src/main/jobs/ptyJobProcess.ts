import { readSync } from 'node:fs';
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

/** What node-pty's UnixTerminal has beyond its typings: the master's fd, and its read stream's events. */
interface UnixPtyMaster {
  fd: number;
  on(event: 'end', listener: () => void): void;
}

/** The master of a Unix pty; null for Windows' ConPTY, which has neither. */
function unixMaster(child: Pty): UnixPtyMaster | null {
  const master = child as Pty & Partial<UnixPtyMaster>;
  return typeof master.fd === 'number' && typeof master.on === 'function' ? (master as UnixPtyMaster) : null;
}

/** Largest read worth asking for: the master hands out at most 4095 bytes a read on Linux anyway. */
const DRAIN_CHUNK_BYTES = 64 * 1024;

/**
 * Reads what the job left in the pty after its last holder closed it, until the master says EIO.
 * Why it is left: Linux gives a pty master's read at most 4095 bytes, and once the job has closed
 * the pty, libuv (uv__stream_io, on POLLHUP after a short read) reports the end of the stream, so
 * node's read stream ends with up to the pty's whole buffer (tens of KB, the job's last lines)
 * unread: the trailing output node-pty #72 and #726 report lost.
 * The fd is non-blocking and the pty closed, so this ends at once: EIO when it is empty.
 */
function drainClosedMaster(fd: number): Buffer[] {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(DRAIN_CHUNK_BYTES);
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer);
    } catch {
      // EIO: nothing left; EAGAIN: something still holds the pty open and will be read as usual.
      return chunks;
    }
    if (read === 0) return chunks;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
}

/**
 * Delivers the rest of the output when node-pty's read stream ends. Its 'end' comes before the
 * stream closes the fd (on a later tick) and before node-pty reports the exit, so the rest arrives
 * in order and ahead of the exit.
 */
function readRestAtEnd(child: Pty, deliver: (bytes: Buffer) => void): void {
  const master = unixMaster(child);
  if (!master) return;
  master.on('end', () => {
    for (const chunk of drainClosedMaster(master.fd)) deliver(chunk);
  });
}

/**
 * Backpressure for a pty: pausing the master's read stream leaves output in the pty, so the job
 * blocks on write once its buffer fills. node-pty reports an exit only when the master closes, and
 * 200 ms after the leader died it destroys the master unread; so while paused the leader is watched
 * and its death resumes reading. What it left is at most the pty's buffer, read to the end by
 * readRestAtEnd as at any job's exit.
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
  readRestAtEnd(child, (bytes) => events.data('stdout', bytes));
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
