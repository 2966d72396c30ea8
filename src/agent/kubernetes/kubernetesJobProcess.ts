import { formatKubernetesJob, type JobModel } from '../../shared';
import type { JobExit, JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import { workloadModel, WorkloadAttempt, workloadSpawnJob, type WorkloadTiming } from '../jobs/workloadAttempt';
import { containerExitCode, jobPhase } from './jobStatus';
import { kubectlFailure, runKubectl, spawnKubectl, type KubectlTarget } from './kubectl';

export { attemptJobName } from '../jobs/workloadAttempt';

export interface KubernetesSpawnOptions extends KubectlTarget, WorkloadTiming {
  /** The container image jobs run in. */
  image: string;
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
 * A job run as a Kubernetes Job: `kubectl apply` starts it, `kubectl logs -f` is its output (stdout
 * and stderr merged, as the kubelet keeps them), the Job's conditions from `kubectl get job -o json`
 * are its exit, and a kill deletes the Job.
 */
class KubernetesAttempt extends WorkloadAttempt {
  private hasSecret = false;

  constructor(
    spec: JobProcessSpec,
    private readonly options: KubernetesSpawnOptions,
  ) {
    super(spec, options);
  }

  protected async submit(): Promise<void> {
    const model = workloadModel(this.spec, 'Kubernetes');
    this.hasSecret = model.secretEnv.length > 0;
    const applied = await runKubectl(this.options, ['apply', '-f', '-'], JSON.stringify(manifests(model, this.name, this.options)));
    if (applied.code !== 0) throw kubectlFailure('apply', applied);
  }

  protected async poll(): Promise<JobExit | null> {
    const read = await runKubectl(this.options, ['get', 'job', this.name, '-o', 'json']);
    if (read.code !== 0) throw kubectlFailure(`get job ${this.name}`, read);
    const phase = jobPhase(JSON.parse(read.stdout));
    if (phase.state === 'succeeded') return { code: 0, signal: null };
    if (phase.state === 'failed') return this.failure(phase.reason);
    return null;
  }

  /** The container's own exit code when it has one (a failing script), else the Job's reason (a deadline, an image that cannot be pulled). */
  private async failure(reason: string): Promise<JobExit> {
    const pods = await runKubectl(this.options, ['get', 'pods', '-l', `job-name=${this.name}`, '-o', 'json']);
    const code = pods.code === 0 ? containerExitCode(JSON.parse(pods.stdout)) : null;
    return code === null ? { code: null, signal: null, error: new Error(`Kubernetes Job ${this.name} failed: ${reason}`) } : { code, signal: null };
  }

  /** `kubectl logs -f` waits for the pod. */
  protected spawnLogs(): ReturnType<typeof spawnKubectl> {
    return spawnKubectl(this.options, ['logs', '-f', `job/${this.name}`]);
  }

  protected async deleteWorkload(): Promise<void> {
    await runKubectl(this.options, ['delete', 'job', this.name, '--ignore-not-found', '--cascade=background', '--wait=false']);
  }

  protected override afterEnd(): void {
    if (this.hasSecret) void runKubectl(this.options, ['delete', 'secret', `${this.name}-env`, '--ignore-not-found', '--cascade=background', '--wait=false']);
  }
}

/** A SpawnJob for an agent whose jobs run on a Kubernetes cluster instead of its own machine. */
export function kubernetesSpawnJob(options: KubernetesSpawnOptions): SpawnJob {
  return workloadSpawnJob((spec) => new KubernetesAttempt(spec, options));
}
