import type { ClaimedJob, FinishRequest, MetricPoint } from '../../shared';
import type { StagedJobInputs, StageJobInputs } from '../artifacts/stageInputs';
import type { CollectOutputs } from '../artifacts/uploadOutputs';
import type { Outbox } from '../spool/outboxItem';
import { jobArgv, jobEnvironment } from './jobEnvironment';
import { chooseWorkingDirectory, type Placement } from './workingDirectory';
import type { JobExit, JobProcess, SpawnJob } from './jobProcess';
import { LogChunker, type LogChunkerOptions } from './logChunker';
import { MetricLineReader } from './metricLines';

/** The per-job checkpoint directories (src/agent/state/checkpointDirs.ts). */
export interface CheckpointDirectories {
  /** Makes the job's directory, kept across attempts, and returns its path. */
  prepare(jobId: number): string;
  /** The job's last attempt here ended: an untouched directory may go to the next job. */
  release?(jobId: number): void;
}

/** Why the agent ends an attempt before its process does. */
export type StopReason = 'cancelled' | 'timed_out' | 'agent_stopping' | 'preempted';

export interface JobRunOptions {
  spawnJob: SpawnJob;
  outbox: Outbox;
  /** The coordinator URL jobs see as GANTRY_API. */
  apiUrl: string;
  /** Between SIGTERM and SIGKILL of the job's process group. */
  killGraceMs: number;
  /** Where jobs may run on this worker (see chooseWorkingDirectory). */
  placement: Placement;
  logChunks?: LogChunkerOptions;
  now?: () => number;
  baseEnv?: NodeJS.ProcessEnv;
  /** Pass the agent's whole environment (but Gantry's own variables), not only the allow-list. */
  inheritEnv?: boolean;
  /** Makes the per-job checkpoint directory (GANTRY_CHECKPOINT_DIR), kept across attempts, and returns its path. */
  checkpoints?: CheckpointDirectories;
  /** Uploads the job's declared outputs after its process ends and before its result is reported. */
  collectOutputs?: CollectOutputs;
  /** The folder holding gantry_job.py, put on each job's PYTHONPATH. */
  pythonHelperDir?: string;
  /** Downloads and extracts the job's inputs into its directory before it starts. */
  stageInputs?: StageJobInputs;
  /** The job's process started (it may start after staging, not within `start()`). */
  onSpawn?: (pid: number) => void;
}

export interface AttemptResult {
  outcome: FinishRequest['outcome'];
  exit_code: number | null;
  error: string | null;
  preempted?: boolean;
}

/** The job cannot run on this worker as given (its cwd is missing); the attempt fails without spawning. */
class PlacementError extends Error {}

/** The recordMetrics route takes at most this many points per request. */
const MAX_POINTS_PER_ITEM = 10_000;

/**
 * How long a job killed by a signal nobody on this worker sent waits before it counts as failed.
 * Slurm's scancel (and a host shutting down) signals the agent and its jobs together; when the job's
 * exit is seen before the agent's own SIGTERM, the attempt must still be handed back, not failed.
 */
export const FOREIGN_SIGNAL_SETTLE_MS = 500;

function resultOf(exit: JobExit, reason: StopReason | undefined, timeoutS: number | null): AttemptResult {
  if (exit.error instanceof PlacementError) return { outcome: 'failed', exit_code: null, error: exit.error.message };
  if (exit.error) return { outcome: 'failed', exit_code: null, error: `could not start the job: ${exit.error.message}` };
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  if (reason === 'cancelled') return { outcome: 'cancelled', exit_code: exit.code, error: null };
  if (reason === 'timed_out') return { outcome: 'timed_out', exit_code: exit.code, error: `timed out after ${timeoutS} s (${how})` };
  // The coordinator re-queues a preempted attempt whatever the exit; a clean exit is a checkpoint kept.
  if (reason === 'preempted') return { outcome: exit.code === 0 ? 'succeeded' : 'failed', exit_code: exit.code, error: `preempted (${how})`, preempted: true };
  if (reason === 'agent_stopping') return { outcome: 'failed', exit_code: exit.code, error: `the worker agent stopped (${how})` };
  if (exit.code === 0) return { outcome: 'succeeded', exit_code: 0, error: null };
  return { outcome: 'failed', exit_code: exit.code, error: how };
}

/**
 * One attempt of one job on this worker: starts the process, cuts its output into log chunks,
 * picks out metric lines, enforces the timeout, and ends with one finish item in the outbox.
 */
export class JobRun {
  readonly finished: Promise<AttemptResult>;
  private process: JobProcess | undefined;
  /** The job died of a foreign signal and waits FOREIGN_SIGNAL_SETTLE_MS for the reason to arrive. */
  private settling = false;
  private cwd: string | undefined;
  private exited = false;
  private staged: StagedJobInputs | undefined;
  /** Aborts the inputs' downloads when the attempt is stopped before its process starts. */
  private readonly staging = new AbortController();
  private stopReason: StopReason | undefined;
  /** The job's output is not read while the outbox is congested (see holdBackIfCongested). */
  private heldBack = false;
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private pendingPoints: MetricPoint[] = [];
  private resolveFinished!: (result: AttemptResult) => void;
  private readonly chunker: LogChunker;
  private readonly metrics: MetricLineReader;

  constructor(
    readonly claimed: ClaimedJob,
    private readonly options: JobRunOptions,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const { id } = claimed.job;
    const attempt = claimed.attempt;
    this.metrics = new MetricLineReader(options.now);
    this.chunker = new LogChunker((chunk) => {
      options.outbox.push({ kind: 'log', job_id: id, attempt, seq: chunk.seq, stream: chunk.stream, data_b64: chunk.data.toString('base64') });
      this.flushMetrics();
      this.holdBackIfCongested();
    }, options.logChunks);
  }

  get jobId(): number {
    return this.claimed.job.id;
  }

  get attempt(): number {
    return this.claimed.attempt;
  }

  /** True while the job's output is left unread because the outbox is congested (backpressure). */
  get outputHeldBack(): boolean {
    return this.heldBack;
  }

  /** Leader of the job's process group, for attributing GPU memory. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  start(): void {
    const where = chooseWorkingDirectory(this.claimed, this.options.placement);
    if ('error' in where) return this.onExit({ code: null, signal: null, error: new PlacementError(where.error) });
    this.cwd = where.cwd;
    const { stageInputs } = this.options;
    if (!stageInputs || !this.claimed.job.inputs?.length) return this.spawn(where.cwd);
    void stageInputs(this.claimed, where.cwd, (line) => this.chunker.write('stderr', Buffer.from(line)), this.staging.signal).then(
      (staged) => {
        this.staged = staged;
        // Stopped while staging (cancelled, the agent leaving): the job never starts.
        if (this.stopReason) this.onExit({ code: null, signal: null });
        else this.spawn(where.cwd);
      },
      (error: unknown) => {
        if (this.stopReason) return this.onExit({ code: null, signal: null });
        this.onExit({ code: null, signal: null, error: new PlacementError(`staging the inputs failed: ${error instanceof Error ? error.message : String(error)}`) });
      },
    );
  }

  private spawn(cwd: string): void {
    const { job } = this.claimed;
    let child: JobProcess;
    try {
      child = this.options.spawnJob({
        argv: jobArgv(job.command),
        cwd,
        env: jobEnvironment(this.claimed, this.options.apiUrl, { base: this.options.baseEnv, inherit: this.options.inheritEnv, checkpointDir: this.checkpointDir(), pythonHelperDir: this.options.pythonHelperDir }),
        job,
        attempt: this.claimed.attempt,
      });
    } catch (error) {
      // Some spawners (node-pty) throw where child_process reports asynchronously; both end the attempt the same way.
      return this.onExit({ code: null, signal: null, error: error instanceof Error ? error : new Error(String(error)) });
    }
    this.process = child;
    // A relayed spawn (the spawn helper) learns its pid later, but always before the exit.
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
    else child.onSpawn?.((pid) => this.options.onSpawn?.(pid));
    child.onData((stream, bytes) => {
      if (stream === 'stdout') this.pendingPoints.push(...this.metrics.write(bytes));
      this.chunker.write(stream, bytes);
    });
    child.onExit((exit) => this.onExit(exit));
    if (job.timeout_s !== null) this.timeoutTimer = setTimeout(() => this.stop('timed_out'), job.timeout_s * 1000);
  }

  /** SIGTERM to the job's process group, SIGKILL after the grace period; the first reason given wins. */
  stop(reason: StopReason): void {
    if (this.settling && !this.stopReason) {
      this.stopReason = reason;
      return;
    }
    if (this.stopReason || this.exited) return;
    this.stopReason = reason;
    this.staging.abort();
    this.process?.kill('SIGTERM');
    this.killTimer = setTimeout(() => this.process?.kill('SIGKILL'), this.options.killGraceMs);
  }

  /**
   * Preemption: the job's checkpoint signal to its process group, SIGTERM after `graceS` if it is
   * still running, SIGKILL after the agent's kill grace. Heartbeats repeat the request; the first counts.
   */
  preempt(signal: NodeJS.Signals, graceS: number): void {
    if (this.stopReason || this.exited || this.settling) return;
    this.stopReason = 'preempted';
    this.process?.kill(signal);
    this.killTimer = setTimeout(() => {
      this.process?.kill('SIGTERM');
      this.killTimer = setTimeout(() => this.process?.kill('SIGKILL'), this.options.killGraceMs);
    }, graceS * 1000);
  }

  /** SIGKILL now, without reporting why: the agent is going down hard. */
  kill(): void {
    this.process?.kill('SIGKILL');
  }

  /** This job's checkpoint directory, there before the job starts; undefined when the agent keeps none. */
  private checkpointDir(): string | undefined {
    return this.options.checkpoints?.prepare(this.jobId);
  }

  /**
   * Backpressure: while the outbox holds too much unsent in memory, the job's output is left in its
   * pipes (the job blocks on write) instead of piling up in the agent. Nothing is dropped: reading
   * resumes once deliveries drain, in order.
   */
  private holdBackIfCongested(): void {
    const { outbox } = this.options;
    if (this.heldBack || !outbox.congestedFor?.(this.jobId, this.attempt) || !outbox.onceRelieved) return;
    this.heldBack = true;
    this.process?.pause?.();
    outbox.onceRelieved(() => {
      this.heldBack = false;
      this.process?.resume?.();
    });
  }

  private flushMetrics(): void {
    while (this.pendingPoints.length > 0) {
      const points = this.pendingPoints.splice(0, MAX_POINTS_PER_ITEM);
      this.options.outbox.push({ kind: 'metrics', job_id: this.jobId, attempt: this.attempt, points });
    }
  }

  private onExit(exit: JobExit): void {
    if (exit.signal && !this.stopReason && !this.settling) {
      this.settling = true;
      setTimeout(() => this.onExit(exit), FOREIGN_SIGNAL_SETTLE_MS);
      return;
    }
    clearTimeout(this.killTimer);
    clearTimeout(this.timeoutTimer);
    this.pendingPoints.push(...this.metrics.end());
    this.flushMetrics();
    const result = resultOf(exit, this.stopReason, this.claimed.job.timeout_s);
    // Stops that come while outputs upload are too late: the process is gone and its result is known.
    this.exited = true;
    const handBack = this.stopReason === 'agent_stopping';
    const { collectOutputs } = this.options;
    const cwd = this.cwd;
    // A job cancelled or handed back has no attempt left to upload for (its token no longer writes);
    // otherwise outputs go up while the attempt still runs, so its result arrives with them stored.
    const collect = collectOutputs && this.claimed.job.outputs?.length && cwd !== undefined && !handBack && this.stopReason !== 'cancelled';
    if (!collect && !this.staged) return this.report(result, handBack);
    const log = (line: string): void => this.chunker.write('stderr', Buffer.from(line));
    void (collect ? collectOutputs(this.claimed, cwd, log) : Promise.resolve())
      .catch((error: unknown) => log(`gantry: collecting outputs failed: ${error instanceof Error ? error.message : String(error)}\n`))
      .then(() => {
        this.staged?.release();
      })
      .catch((error: unknown) => log(`gantry: removing staged inputs failed: ${error instanceof Error ? error.message : String(error)}\n`))
      .then(() => this.report(result, handBack));
  }

  private report(result: AttemptResult, handBack: boolean): void {
    this.chunker.flush();
    // A job stopped because the agent is leaving is not finished: deregistering hands it back to the
    // queue without spending an attempt, so it must not also be reported as failed.
    if (!handBack) this.options.outbox.push({ kind: 'finish', job_id: this.jobId, attempt: this.attempt, ...result });
    this.resolveFinished(result);
  }
}
