import { runaiSubmitArgv, type JobModel } from '../../shared';
import type { JobExit, JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import { workloadModel, WorkloadAttempt, workloadSpawnJob, type WorkloadTiming } from '../jobs/workloadAttempt';
import { runaiFailure, runaiOutcome, runaiStatus, runRunai, spawnRunai, type RunaiTarget } from './runaiCli';

export interface RunaiSpawnOptions extends RunaiTarget, WorkloadTiming {
  image: string;
}

/** As for Kubernetes Jobs, and refused when it carries secrets. */
function runaiModel(spec: JobProcessSpec): JobModel {
  const model = workloadModel(spec, 'Run:ai');
  // runai submit takes env on its command line only, where a secret would be seen by anyone who lists processes.
  if (model.secretEnv.length > 0) throw new Error(`Run:ai direct mode cannot carry secret env values (${model.secretEnv.join(', ')}): runai submit takes env on its command line`);
  return model;
}

/**
 * A job run as a Run:ai workload: `runai submit` starts it, `runai logs --follow` is its output,
 * the STATUS of `runai list jobs` its end, `runai delete job` its kill.
 * Run:ai's list gives no exit code: a failed workload fails the attempt with its status.
 */
class RunaiAttempt extends WorkloadAttempt {
  constructor(
    spec: JobProcessSpec,
    private readonly options: RunaiSpawnOptions,
  ) {
    super(spec, options);
  }

  protected async submit(): Promise<void> {
    const model = runaiModel(this.spec);
    const submitted = await runRunai(this.options, runaiSubmitArgv(model, model.tasks[0], this.name, { image: this.options.image, project: this.options.project }));
    if (submitted.code !== 0) throw runaiFailure('submit', submitted);
  }

  protected async poll(): Promise<JobExit | null> {
    const listed = await runRunai(this.options, ['list', 'jobs', '-p', this.options.project]);
    if (listed.code !== 0) throw runaiFailure('list jobs', listed);
    const status = runaiStatus(listed.stdout, this.name);
    if (status === null) throw new Error(`Run:ai workload ${this.name} is gone from runai list jobs`);
    const outcome = runaiOutcome(status);
    if (outcome === 'succeeded') return { code: 0, signal: null };
    if (outcome === 'failed') return { code: null, signal: null, error: new Error(`Run:ai workload ${this.name} ended ${status}`) };
    return null;
  }

  protected spawnLogs(): ReturnType<typeof spawnRunai> {
    return spawnRunai(this.options, ['logs', this.name, '-p', this.options.project, '--follow']);
  }

  protected async deleteWorkload(): Promise<void> {
    await runRunai(this.options, ['delete', 'job', this.name, '-p', this.options.project]);
  }
}

/** A SpawnJob for an agent whose jobs run as Run:ai workloads through the runai CLI. */
export function runaiSpawnJob(options: RunaiSpawnOptions): SpawnJob {
  return workloadSpawnJob((spec) => new RunaiAttempt(spec, options));
}
