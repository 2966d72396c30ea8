/**
 * The seam between the agent and how a job's process is started: pipes here, a pseudo-terminal
 * (node-pty) in the Electron local worker. Implementations run the job as the leader of its own
 * process group so that kill() reaches every process the job started.
 */
import type { Job } from '../../shared';

export type LogStream = 'stdout' | 'stderr';

export interface JobProcessSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The job and attempt being run, for spawners that hand it to another scheduler (a Kubernetes Job) rather than exec it. */
  job?: Job;
  attempt?: number;
}

export interface JobExit {
  /** Null when a signal ended the job or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the process could not start (missing binary, missing cwd). */
  error?: Error;
}

export interface JobProcess {
  /** Leader of the job's process group; undefined when it failed to start, or until a relayed spawn is known (see onSpawn). */
  readonly pid: number | undefined;
  /**
   * For spawners whose pid comes later (the spawn helper relays it): called once the job's process
   * group exists, before its exit. Spawners that know the pid at once may leave it out.
   */
  onSpawn?(listener: (pid: number) => void): void;
  onData(listener: (stream: LogStream, bytes: Buffer) => void): void;
  /** Fires once, after the last onData. */
  onExit(listener: (exit: JobExit) => void): void;
  /** Signals the whole process group; a group already gone is not an error. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Stops reading the job's output until resume(): once the pipe fills, the job blocks on write, as
   * in a shell pipeline. Pipes and ptys block the job itself; a cluster workload's log follower
   * blocks instead, while the workload runs on and the cluster keeps its log. Spawners without it
   * keep delivering.
   */
  pause?(): void;
  resume?(): void;
}

export type SpawnJob = (spec: JobProcessSpec) => JobProcess;
