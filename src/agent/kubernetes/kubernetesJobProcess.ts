import type { ChildProcess } from 'node:child_process';
import { formatKubernetesJob, modelFromJob, type JobModel } from '../../shared';
import type { JobExit, JobProcess, JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import { JobProcessEvents } from '../jobs/jobProcessEvents';
import { containerExitCode, jobPhase } from './jobStatus';
import { kubectlFailure, runKubectl, spawnKubectl, type KubectlTarget } from './kubectl';

export interface KubernetesSpawnOptions extends KubectlTarget {
  /** The container image jobs run in. */
  image: string;
  /** How often the Job's state is read (and a log follow that found no pod yet is retried). */
  pollMs?: number;
  /** How long to wait for the log stream to drain once the Job has finished. */
  logDrainMs?: number;
}

const DEFAULT_POLL_MS = 2_000;
const DEFAULT_LOG_DRAIN_MS = 10_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One Kubernetes Job per attempt, so a retry never meets the pods of the attempt before it. */
export function attemptJobName(jobId: number, attempt: number): string {
  return `gantry-${jobId}-${attempt}`;
}

/**
 * The job as its pod sees it: its own env and the Gantry variables that mean something off the
 * worker (ids, params). Retries and the timeout stay with Gantry (the agent kills a late attempt,
 * the coordinator re-queues), so the Job itself never retries and has no deadline of its own.
 */
function podModel(spec: JobProcessSpec): JobModel {
  if (!spec.job || spec.attempt === undefined) throw new Error('a Kubernetes attempt needs its job and attempt number');
  const model = modelFromJob(spec.job);
  return { ...model, env: { ...model.env, GANTRY_JOB_ID: String(spec.job.id), GANTRY_ATTEMPT: String(spec.attempt) }, maxAttempts: 1, timeoutS: null };
}

/** Secret env values go in a Secret beside the Job (never in its spec), applied together as one List. */
function manifests(model: JobModel, name: string, options: KubernetesSpawnOptions): unknown {
  const job = formatKubernetesJob(model, { image: options.image, namespace: options.namespace, name, secretName: `${name}-env` });
  if (model.secretEnv.length === 0) return job;
  const stringData = Object.fromEntries(model.secretEnv.map((key) => [key, model.env[key]]));
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-env`, namespace: options.namespace, labels: job.metadata?.labels }, type: 'Opaque', stringData };
  return { apiVersion: 'v1', kind: 'List', items: [secret, job] };
}

/**
 * A job run as a Kubernetes Job, seen by the agent as a process: `kubectl apply` starts it,
 * `kubectl logs -f` is its output (stdout and stderr merged, as the kubelet keeps them), the Job's
 * conditions from `kubectl get job -o json` are its exit, and kill() deletes the Job.
 */
class KubernetesAttempt {
  private readonly events = new JobProcessEvents();
  private readonly name: string;
  private stopSignal: NodeJS.Signals | null = null;
  private finished = false;
  private logs: ChildProcess | null = null;
  private logsClosed: Promise<void> = Promise.resolve();
  private hasSecret = false;

  constructor(
    private readonly spec: JobProcessSpec,
    private readonly options: KubernetesSpawnOptions,
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
    const model = podModel(this.spec);
    this.hasSecret = model.secretEnv.length > 0;
    const applied = await runKubectl(this.options, ['apply', '-f', '-'], JSON.stringify(manifests(model, this.name, this.options)));
    if (applied.code !== 0) throw kubectlFailure('apply', applied);
    this.followLogs();
    for (;;) {
      // A stop that came while the Job was being created deleted nothing: delete it now.
      if (this.stopSignal) return this.deleteJob().then(() => ({ code: null, signal: this.stopSignal }));
      const read = await runKubectl(this.options, ['get', 'job', this.name, '-o', 'json']);
      if (read.code !== 0) throw kubectlFailure(`get job ${this.name}`, read);
      const phase = jobPhase(JSON.parse(read.stdout));
      if (phase.state === 'succeeded') return this.afterLogs({ code: 0, signal: null });
      if (phase.state === 'failed') return this.afterLogs(await this.failure(phase.reason));
      await delay(this.options.pollMs ?? DEFAULT_POLL_MS);
    }
  }

  /** The container's own exit code when it has one (a failing script), else the Job's reason (a deadline, an image that cannot be pulled). */
  private async failure(reason: string): Promise<JobExit> {
    const pods = await runKubectl(this.options, ['get', 'pods', '-l', `job-name=${this.name}`, '-o', 'json']);
    const code = pods.code === 0 ? containerExitCode(JSON.parse(pods.stdout)) : null;
    return code === null ? { code: null, signal: null, error: new Error(`Kubernetes Job ${this.name} failed: ${reason}`) } : { code, signal: null };
  }

  /** Every byte of output comes before the exit, as with a local process; a stuck stream is cut after a while. */
  private async afterLogs(exit: JobExit): Promise<JobExit> {
    const drained = await Promise.race([this.logsClosed.then(() => true), delay(this.options.logDrainMs ?? DEFAULT_LOG_DRAIN_MS).then(() => false)]);
    if (!drained) this.logs?.kill('SIGTERM');
    return exit;
  }

  /** `kubectl logs -f` waits for the pod; one that ends with nothing read (no pod yet) is tried again until the Job ends. */
  private followLogs(): void {
    this.logsClosed = new Promise((resolve) => {
      const attempt = (): void => {
        let received = false;
        const child = spawnKubectl(this.options, ['logs', '-f', `job/${this.name}`]);
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

  /** Cancel, timeout, preemption, agent stop: the Job (and its pods) are deleted; the first signal is the one reported. */
  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.finished) return;
    this.stopSignal ??= signal;
    this.logs?.kill('SIGTERM');
    await this.deleteJob();
  }

  private async deleteJob(): Promise<void> {
    await runKubectl(this.options, ['delete', 'job', this.name, '--ignore-not-found', '--cascade=background', '--wait=false']);
  }

  private end(exit: JobExit): void {
    this.finished = true;
    this.logs?.kill('SIGTERM');
    if (this.hasSecret) void runKubectl(this.options, ['delete', 'secret', `${this.name}-env`, '--ignore-not-found', '--cascade=background', '--wait=false']);
    this.events.ended(exit);
  }
}

/** A SpawnJob for an agent whose jobs run on a Kubernetes cluster instead of its own machine. */
export function kubernetesSpawnJob(options: KubernetesSpawnOptions): SpawnJob {
  return (spec) => {
    const attempt = new KubernetesAttempt(spec, options);
    const handle = attempt.handle();
    attempt.start();
    return handle;
  };
}
