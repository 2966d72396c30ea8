/**
 * The agent's side of the spawn helper (runSpawnHelper.ts): a SpawnJob that asks the helper to start
 * each job and relays its output, exit and signals, so the agent's own size never slows a spawn.
 * If the helper dies, the jobs it was relaying end as failed to run, and the next spawn starts a new helper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import type { JobExit, JobProcess, JobProcessSpec, SpawnJob } from '../jobProcess';
import { JobProcessEvents } from '../jobProcessEvents';
import { RELAY_ACK_BYTES, SPAWN_HELPER_ARG, type HelperEvent, type HelperRequest } from './spawnHelperProtocol';

/** The helper's own bundled source, set by scripts/build-agent.mjs; absent when the agent runs from the TypeScript sources. */
declare const GANTRY_SPAWN_HELPER_SOURCE: string | undefined;

/**
 * How the helper starts: from the source the bundle carries, else this script again with
 * SPAWN_HELPER_ARG and the same Node flags (tsx's loader among them). A one-megabyte young
 * generation keeps it small however many jobs it starts: fork() cost follows its resident size.
 */
function helperArgs(): string[] {
  const script = process.argv[1];
  const source = typeof GANTRY_SPAWN_HELPER_SOURCE === 'string' ? GANTRY_SPAWN_HELPER_SOURCE : undefined;
  return ['--max-semi-space-size=1', ...(source === undefined ? [...process.execArgv, script, SPAWN_HELPER_ARG] : ['-e', source])];
}

export interface SpawnHelper {
  spawnJob: SpawnJob;
  /** The helper's pid while it runs (it starts with the first spawn, or with start()). */
  readonly pid: number | undefined;
  /** Starts the helper now, at this process's present priority, rather than with the first spawn. */
  start(): void;
  /** Lets the helper go; jobs still running keep running, detached. */
  close(): void;
}

interface RelayedJob {
  events: JobProcessEvents;
  pid: number | undefined;
  spawnListeners: Array<(pid: number) => void>;
  /** Output taken in since the last acknowledgement (see RELAY_WINDOW_BYTES). */
  unacked: number;
}

export interface SpawnHelperOptions {
  /** Node's arguments that run the helper, instead of helperArgs' (tests run it from the sources with tsx). */
  nodeArgs?: string[];
  /**
   * The nice value jobs start at, when the agent raised its own after starting the helper
   * (agentPriority.ts): a helper started again after the first one died is set back to it.
   */
  jobPriority?: number;
  /** Called when a new helper could not be set back to jobPriority (an unprivileged agent cannot lower a nice value). */
  onPriorityLost?: (error: Error, agentPriority: number) => void;
}

/** Relays through a helper started on the first spawn; see the file's comment. */
export function startSpawnHelper(options: SpawnHelperOptions = {}): SpawnHelper {
  const jobs = new Map<number, RelayedJob>();
  let helper: ChildProcess | null = null;
  let nextId = 1;

  const lose = (child: ChildProcess, why: string): void => {
    if (helper !== child) return;
    helper = null;
    const error = new Error(`the agent's spawn helper ${why}`);
    for (const job of jobs.values()) job.events.ended({ code: null, signal: null, error });
    jobs.clear();
  };

  const start = (): ChildProcess => {
    // detached: the helper leaves the terminal's process group, so a Ctrl-C reaches the agent alone,
    // which then stops the jobs through the helper.
    const child = spawn(process.execPath, options.nodeArgs ?? helperArgs(), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', detached: true });
    child.on('message', (event: HelperEvent) => onEvent(event));
    child.on('exit', (code, signal) => lose(child, `exited (${signal ?? `code ${code}`})`));
    child.on('error', (error) => lose(child, `failed: ${error.message}`));
    child.unref();
    child.channel?.unref();
    if (child.pid !== undefined) keepJobPriority(child.pid, options);
    return child;
  };

  const request = (message: HelperRequest): void => {
    helper ??= start();
    helper.send(message);
  };

  // The channel holds the agent's event loop open only while jobs run, as the jobs' pipes would.
  const holdLoop = (): void => {
    if (jobs.size > 0) helper?.channel?.ref();
    else helper?.channel?.unref();
  };

  const onEvent = (event: HelperEvent): void => {
    const job = jobs.get(event.id);
    if (!job) return;
    if (event.ev === 'spawned') {
      job.pid = event.pid;
      if (event.pid !== undefined) for (const listener of job.spawnListeners) listener(event.pid);
    } else if (event.ev === 'data') {
      job.events.data(event.stream, Buffer.from(event.bytes.buffer, event.bytes.byteOffset, event.bytes.byteLength));
      // After the data's listeners ran: a pause they asked for reaches the helper before this acknowledgement.
      job.unacked += event.bytes.byteLength;
      if (job.unacked >= RELAY_ACK_BYTES && helper) {
        helper.send({ op: 'ack', id: event.id, bytes: job.unacked } satisfies HelperRequest);
        job.unacked = 0;
      }
    } else {
      jobs.delete(event.id);
      holdLoop();
      job.events.ended(exitOf(event));
    }
  };

  const spawnJob = (spec: JobProcessSpec): JobProcess => {
    const id = nextId++;
    const job: RelayedJob = { events: new JobProcessEvents(), pid: undefined, spawnListeners: [], unacked: 0 };
    jobs.set(id, job);
    request({ op: 'spawn', id, argv: spec.argv, cwd: spec.cwd, env: spec.env });
    holdLoop();
    const handle = job.events.handle(undefined);
    return {
      get pid() {
        return job.pid;
      },
      onData: handle.onData,
      onExit: handle.onExit,
      onSpawn: (listener) => (job.pid === undefined ? void job.spawnListeners.push(listener) : listener(job.pid)),
      kill: (signal) => {
        if (jobs.has(id) && helper) helper.send({ op: 'kill', id, signal } satisfies HelperRequest);
      },
      pause: () => {
        if (jobs.has(id) && helper) helper.send({ op: 'pause', id } satisfies HelperRequest);
      },
      resume: () => {
        if (jobs.has(id) && helper) helper.send({ op: 'resume', id } satisfies HelperRequest);
      },
    };
  };

  return {
    spawnJob,
    get pid() {
      return helper?.pid;
    },
    start() {
      helper ??= start();
    },
    close() {
      const child = helper;
      helper = null;
      if (child?.connected) child.disconnect();
    },
  };
}

/** Sets a helper started by an agent that has since raised its nice value back to the jobs' priority. */
function keepJobPriority(pid: number, { jobPriority, onPriorityLost }: SpawnHelperOptions): void {
  if (jobPriority === undefined) return;
  try {
    if (getPriority(pid) !== jobPriority) setPriority(pid, jobPriority);
  } catch (error) {
    // A helper already gone is reported by its exit; any other refusal leaves its jobs niced.
    if ((error as { info?: { code?: string } }).info?.code === 'ESRCH') return;
    onPriorityLost?.(error as Error, getPriority());
  }
}

function exitOf(event: Extract<HelperEvent, { ev: 'exit' }>): JobExit {
  if (!event.error) return { code: event.code, signal: event.signal };
  const error: NodeJS.ErrnoException = new Error(event.error.message);
  if (event.error.code) error.code = event.error.code;
  return { code: event.code, signal: event.signal, error };
}
