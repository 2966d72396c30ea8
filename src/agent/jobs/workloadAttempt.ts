import type { ChildProcess } from 'node:child_process';
import { modelFromJob, type JobModel } from '../../shared';
import type { JobExit, JobProcess, JobProcessSpec, SpawnJob } from './jobProcess';
import { JobProcessEvents } from './jobProcessEvents';

export interface WorkloadTiming {
  /** How often the workload's state is read (and a log follow that found no pod yet is retried). */
  pollMs?: number;
  /** How long to wait for the log stream to drain once the workload has finished. */
  logDrainMs?: number;
}

const DEFAULT_POLL_MS = 2_000;
const DEFAULT_LOG_DRAIN_MS = 10_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One cluster workload per attempt, so a retry never meets the pods of the attempt before it. */
export function attemptJobName(jobId: number, attempt: number): string {
  return `gantry-${jobId}-${attempt}`;
}

/**
 * The job as its pod sees it: its own env and the Gantry variables that mean something off the
 * worker (ids, params). Retries and the timeout stay with Gantry (the agent kills a late attempt,
 * the coordinator re-queues), so the workload itself never retries and has no deadline of its own.
 */
export function workloadModel(spec: JobProcessSpec, backend: string): JobModel {
  if (!spec.job || spec.attempt === undefined) throw new Error(`a ${backend} attempt needs its job and attempt number`);
  const model = modelFromJob(spec.job);
  return { ...model, env: { ...model.env, GANTRY_JOB_ID: String(spec.job.id), GANTRY_ATTEMPT: String(spec.attempt) }, maxAttempts: 1, timeoutS: null };
}

/**
 * A job run as a cluster workload (a Kubernetes Job, a Run:ai workload), seen by the agent as a
 * process: submit() starts it, a followed log command is its output, poll() reads its end, and
 * kill() deletes it. Each backend says only how to do those four things with its own CLI.
 */
export abstract class WorkloadAttempt {
  private readonly events = new JobProcessEvents();
  protected readonly name: string;
  private stopSignal: NodeJS.Signals | null = null;
  private finished = false;
  private logs: ChildProcess | null = null;
  private logsClosed: Promise<void> = Promise.resolve();
  /** Backpressure: set while the agent wants no more output; resolves the wait for resume(). */
  private held: { resumed: Promise<void>; resume: () => void } | null = null;

  constructor(
    protected readonly spec: JobProcessSpec,
    private readonly timing: WorkloadTiming,
  ) {
    this.name = attemptJobName(spec.job?.id ?? 0, spec.attempt ?? 0);
  }

  /** Starts the workload; throws (failing the attempt) when the cluster refuses it. */
  protected abstract submit(): Promise<void>;
  /** The workload's end once it has one, null while it still runs. */
  protected abstract poll(): Promise<JobExit | null>;
  /** The log follower: its stdout is the job's output. */
  protected abstract spawnLogs(): ChildProcess;
  /** Removes the workload (cancel, timeout, preemption, agent stop). */
  protected abstract deleteWorkload(): Promise<void>;
  /** What is left to tidy once the attempt has ended. */
  protected afterEnd(): void {}

  handle(): JobProcess {
    const inner = this.events.handle(undefined);
    return { pid: undefined, onData: inner.onData, onExit: inner.onExit, kill: (signal) => void this.stop(signal), pause: () => this.pause(), resume: () => this.resume() };
  }

  /**
   * Stops reading the log follower: it blocks on the full pipe while the workload runs on and the
   * cluster keeps its log, which the follower reads on from where it stopped after resume().
   */
  private pause(): void {
    if (this.held || this.finished) return;
    let resume = (): void => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    this.held = { resumed, resume };
    this.logs?.stdout?.pause();
  }

  private resume(): void {
    if (!this.held) return;
    this.held.resume();
    this.held = null;
    this.logs?.stdout?.resume();
  }

  start(): void {
    this.run().then(
      (exit) => this.end(exit),
      (error: unknown) => this.end({ code: null, signal: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  private async run(): Promise<JobExit> {
    await this.submit();
    this.followLogs();
    for (;;) {
      // A stop that came while the workload was being created deleted nothing: delete it now.
      if (this.stopSignal) return this.deleteWorkload().then(() => ({ code: null, signal: this.stopSignal }));
      const exit = await this.poll();
      if (exit) return this.afterLogs(exit);
      await delay(this.timing.pollMs ?? DEFAULT_POLL_MS);
    }
  }

  /**
   * Every byte of output comes before the exit, as with a local process; a stuck stream is cut after
   * a while. A stream held back by the agent is not stuck: its wait starts again once it is resumed.
   */
  private async afterLogs(exit: JobExit): Promise<JobExit> {
    for (;;) {
      const drained = await Promise.race([this.logsClosed.then(() => true), delay(this.timing.logDrainMs ?? DEFAULT_LOG_DRAIN_MS).then(() => false)]);
      if (drained) return exit;
      if (!this.held) break;
      await Promise.race([this.logsClosed, this.held.resumed]);
    }
    this.cutLogs();
    return exit;
  }

  /** Ends the log follower; a held-back one is read again, or its close (which settles logsClosed) would never come. */
  private cutLogs(): void {
    this.logs?.kill('SIGTERM');
    this.logs?.stdout?.resume();
  }

  /** A log follow started before the pod exists ends at once with nothing read: tried again until the workload ends. */
  private followLogs(): void {
    this.logsClosed = new Promise((resolve) => {
      const attempt = (): void => {
        let received = false;
        const child = this.spawnLogs();
        this.logs = child;
        // A follower started again (no pod yet) while the agent holds output back starts held back.
        if (this.held) child.stdout?.pause();
        // The follower's own warnings (reconnects, a pod not there yet) are not the job's output, but
        // must be read: kubectl writes them blocking, so a full stderr pipe would stop its stdout too.
        child.stderr?.resume();
        child.stdout?.on('data', (bytes: Buffer) => {
          received = true;
          this.events.data('stdout', bytes);
        });
        child.on('close', (code) => {
          if (code !== 0 && !received && !this.finished && !this.stopSignal) void delay(this.timing.pollMs ?? DEFAULT_POLL_MS).then(attempt);
          else resolve();
        });
        child.on('error', () => resolve());
      };
      attempt();
    });
  }

  /** The first signal is the one reported. */
  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.finished) return;
    this.stopSignal ??= signal;
    this.cutLogs();
    await this.deleteWorkload();
  }

  private end(exit: JobExit): void {
    this.finished = true;
    this.cutLogs();
    this.afterEnd();
    this.events.ended(exit);
  }
}

/** A SpawnJob that runs each attempt as the workload `attempt` makes. */
export function workloadSpawnJob(attempt: (spec: JobProcessSpec) => WorkloadAttempt): SpawnJob {
  return (spec) => {
    const workload = attempt(spec);
    const handle = workload.handle();
    workload.start();
    return handle;
  };
}
