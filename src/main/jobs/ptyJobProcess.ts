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

/** How often a job's leader is looked for: well inside node-pty's 200 ms between its exit and destroying the pty unread. */
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

/** What node-pty's UnixTerminal has beyond its typings: the master's fd, and its read stream with its events. */
interface UnixPtyMaster {
  fd: number;
  on(event: 'end', listener: () => void): void;
  /** Destroyed once node-pty has closed the fd, whose number the next open may then reuse. */
  _socket: { destroyed: boolean };
}

/** The master of a Unix pty; null for Windows' ConPTY, which has none of these. */
function unixMaster(child: Pty): UnixPtyMaster | null {
  const master = child as Pty & Partial<UnixPtyMaster>;
  const isUnix = typeof master.fd === 'number' && typeof master.on === 'function' && typeof master._socket?.destroyed === 'boolean';
  return isUnix ? (master as UnixPtyMaster) : null;
}

/** Largest read worth asking for: the master hands out at most 4095 bytes a read on Linux anyway. */
const DRAIN_CHUNK_BYTES = 64 * 1024;

/**
 * Reads what the job left in the pty until it is empty: the master says EIO once the pty's last
 * holder has closed it, EAGAIN while something still holds it open. Why it is left at the end:
 * Linux gives a pty master's read at most 4095 bytes, and once the job has closed the pty, libuv
 * (uv__stream_io, on POLLHUP after a short read) reports the end of the stream, so node's read
 * stream ends with up to the pty's whole buffer (tens of KB, the job's last lines) unread: the
 * trailing output node-pty #72 and #726 report lost.
 * node-pty makes the fd non-blocking, so this ends as soon as the pty is empty.
 */
function drainMaster(fd: number): Buffer[] {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(DRAIN_CHUNK_BYTES);
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer);
    } catch {
      // EIO: closed and empty; EAGAIN: empty for now.
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
    for (const chunk of drainMaster(master.fd)) deliver(chunk);
  });
}

/**
 * Reads the rest once the job's leader is gone while something (a forgotten `cmd &`, a worker that
 * ignores SIGHUP) still holds the pty open. No end of the stream comes then, and 200 ms after the
 * leader's exit node-pty destroys the stream with what it had not read: all of it if the job was
 * paused, most of it if the event loop was busy. The group is killed first, as at any exit, so
 * nothing more is written. What the paused stream had already read is let out first (resume emits
 * it on the next tick) and the pty read on a tick queued behind that, so the bytes keep their
 * order; a timer's ticks run before the next timer's callback, so before node-pty's.
 */
function readRestOnceLeaderGone(child: Pty, deliver: (bytes: Buffer) => void): void {
  killGroup(child.pid, 'SIGKILL');
  child.resume();
  const master = unixMaster(child);
  if (!master) return;
  process.nextTick(() => {
    if (master._socket.destroyed) return;
    for (const chunk of drainMaster(master.fd)) deliver(chunk);
  });
}

/**
 * Backpressure for a pty, and the watch on its leader. Pausing the master's read stream leaves
 * output in the pty, so the job blocks on write once its buffer fills. The leader is looked for
 * every LEADER_CHECK_MS, paused or not (node-pty reaps it at once, so gone is exited), and its end
 * reads the rest (readRestOnceLeaderGone) before node-pty's 200 ms are up: this check, armed before
 * the exit, is due before node-pty's timeout even when a busy event loop makes both due at once.
 */
function ptyFlowControl(child: Pty, deliver: (bytes: Buffer) => void): { pause: () => void; resume: () => void; exited: () => void } {
  let paused = false;
  let watching = true;
  const stopWatching = (): void => {
    watching = false;
    clearInterval(watch);
  };
  const watch = setInterval(() => {
    if (isAlive(child.pid)) return;
    stopWatching();
    paused = false;
    readRestOnceLeaderGone(child, deliver);
  }, LEADER_CHECK_MS).unref();
  const pause = (): void => {
    // A leader already gone is read to the end, not paused.
    if (paused || !watching || !isAlive(child.pid)) return;
    paused = true;
    child.pause();
  };
  const resume = (): void => {
    if (!paused) return;
    paused = false;
    child.resume();
  };
  return { pause, resume, exited: stopWatching };
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
  const deliver = (bytes: Buffer): void => events.data('stdout', bytes);
  const flow = ptyFlowControl(child, deliver);
  // With `encoding: null` node-pty hands out Buffers, though its typings say string.
  child.onData((data: string | Buffer) => deliver(typeof data === 'string' ? Buffer.from(data) : data));
  readRestAtEnd(child, deliver);
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
