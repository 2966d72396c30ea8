import type { ChildProcess } from 'node:child_process';
import { modelFromJob, runaiSubmitArgv, type JobModel } from '../../shared';
import type { JobExit, JobProcess, JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import { JobProcessEvents } from '../jobs/jobProcessEvents';
import { attemptJobName } from '../kubernetes/kubernetesJobProcess';
import { runaiFailure, runaiOutcome, runaiStatus, runRunai, spawnRunai, type RunaiTarget } from './runaiCli';

export interface RunaiSpawnOptions extends RunaiTarget {
  image: string;
  /** How often the workload's status is read (and a log follow that found no pod yet is retried). */
  pollMs?: number;
  logDrainMs?: number;
}

const DEFAULT_POLL_MS = 2_000;
const DEFAULT_LOG_DRAIN_MS = 10_000;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** As for Kubernetes Jobs: the Gantry ids in its env; retries and the timeout stay with Gantry. */
function workloadModel(spec: JobProcessSpec): JobModel {
  if (!spec.job || spec.attempt === undefined) throw new Error('a Run:ai attempt needs its job and attempt number');
  const model = modelFromJob(spec.job);
  // runai submit takes env on its command line only, where a secret would be seen by anyone who lists processes.
  if (model.secretEnv.length > 0) throw new Error(`Run:ai direct mode cannot carry secret env values (${model.secretEnv.join(', ')}): runai submit takes env on its command line`);
  return { ...model, env: { ...model.env, GANTRY_JOB_ID: String(spec.job.id), GANTRY_ATTEMPT: String(spec.attempt) }, maxAttempts: 1, timeoutS: null };
}

/**
 * A job run as a Run:ai workload, seen by the agent as a process: `runai submit` starts it,
 * `runai logs --follow` is its output, the STATUS of `runai list jobs` its end, `runai delete job` its kill.
 * Run:ai's list gives no exit code: a failed workload fails the attempt with its status.
 */
class RunaiAttempt {
  private readonly events = new JobProcessEvents();
  private readonly name: string;
  private stopSignal: NodeJS.Signals | null = null;
  private finished = false;
  private logs: ChildProcess | null = null;
  private logsClosed: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: JobProcessSpec,
    private readonly options: RunaiSpawnOptions,
  ) {
    this.name = attemptJobName(spec.job?.id ?? 0, spec.attempt ?? 0);
  }

  handle(): JobProcess {
    const inner = this.events.handle(undefined);
    return { pid: undefined, onData: inner.onData, onExit: inner.onExit, kill: (signal) => void this.stop(signal) };
  }

  start(): void {
    this.run().then(
      (exit) => this.end(exit),
      (error: unknown) => this.end({ code: null, signal: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  private async run(): Promise<JobExit> {
    const model = workloadModel(this.spec);
    const submitted = await runRunai(this.options, runaiSubmitArgv(model, model.tasks[0], this.name, { image: this.options.image, project: this.options.project }));
    if (submitted.code !== 0) throw runaiFailure('submit', submitted);
    this.followLogs();
    for (;;) {
      if (this.stopSignal) return this.deleteWorkload().then(() => ({ code: null, signal: this.stopSignal }));
      const listed = await runRunai(this.options, ['list', 'jobs', '-p', this.options.project]);
      if (listed.code !== 0) throw runaiFailure('list jobs', listed);
      const status = runaiStatus(listed.stdout, this.name);
      if (status === null) throw new Error(`Run:ai workload ${this.name} is gone from runai list jobs`);
      const outcome = runaiOutcome(status);
      if (outcome === 'succeeded') return this.afterLogs({ code: 0, signal: null });
      if (outcome === 'failed') return this.afterLogs({ code: null, signal: null, error: new Error(`Run:ai workload ${this.name} ended ${status}`) });
      await delay(this.options.pollMs ?? DEFAULT_POLL_MS);
    }
  }

  private async afterLogs(exit: JobExit): Promise<JobExit> {
    const drained = await Promise.race([this.logsClosed.then(() => true), delay(this.options.logDrainMs ?? DEFAULT_LOG_DRAIN_MS).then(() => false)]);
    if (!drained) this.logs?.kill('SIGTERM');
    return exit;
  }

  /** `runai logs --follow` before the pod exists ends at once with nothing read: tried again until the workload ends. */
  private followLogs(): void {
    this.logsClosed = new Promise((resolve) => {
      const attempt = (): void => {
        let received = false;
        const child = spawnRunai(this.options, ['logs', this.name, '-p', this.options.project, '--follow']);
        this.logs = child;
        child.stdout?.on('data', (bytes: Buffer) => {
          received = true;
          this.events.data('stdout', bytes);
        });
        child.on('close', (code) => {
          if (code !== 0 && !received && !this.finished && !this.stopSignal) void delay(this.options.pollMs ?? DEFAULT_POLL_MS).then(attempt);
          else resolve();
        });
        child.on('error', () => resolve());
      };
      attempt();
    });
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.finished) return;
    this.stopSignal ??= signal;
    this.logs?.kill('SIGTERM');
    await this.deleteWorkload();
  }

  private async deleteWorkload(): Promise<void> {
    await runRunai(this.options, ['delete', 'job', this.name, '-p', this.options.project]);
  }

  private end(exit: JobExit): void {
    this.finished = true;
    this.logs?.kill('SIGTERM');
    this.events.ended(exit);
  }
}

/** A SpawnJob for an agent whose jobs run as Run:ai workloads through the runai CLI. */
export function runaiSpawnJob(options: RunaiSpawnOptions): SpawnJob {
  return (spec) => {
    const attempt = new RunaiAttempt(spec, options);
    const handle = attempt.handle();
    attempt.start();
    return handle;
  };
}
