import { formatSbatch, modelFromJob, type Job, type JobModel, type SlurmClusterSpec } from '../../shared';

/** The Slurm job name of a cluster's per-job jobs and arrays: squeue and scancel find them by it. */
export const directJobName = (cluster: string): string => `gantry-job-${cluster}`;

export interface DirectScriptInput {
  spec: SlurmClusterSpec;
  /** `~/.gantry/slurm/NAME/jobs` on the login node: the output files. */
  dir: string;
  /** Queued jobs, each sent for the attempt its claim will open (attempt + 1). */
  jobs: Job[];
}

/** One sbatch: a job on its own, or an array of jobs that share everything but command and params (a sweep). */
export interface DirectBatch {
  script: string;
  jobs: Job[];
  /** True: an array, whose tasks squeue names `ID_INDEX` and whose outputs are `ID_INDEX.out`. */
  array: boolean;
}

/** Jobs that can be tasks of one array: every #SBATCH line and the script's preamble come out the same. */
function batchKey(job: Job): string {
  const model = modelFromJob(job);
  return JSON.stringify([job.project, model.cwd, job.env, job.requirements, job.timeout_s]);
}

function directModel(spec: SlurmClusterSpec, jobs: Job[]): JobModel {
  const base = modelFromJob(jobs[0]);
  return {
    ...base,
    name: directJobName(spec.name),
    // The script goes to sbatch on stdin, never on a command line, and jobs read their env from it:
    // secret values are written into it as the other values are (Slurm keeps it with the job).
    secretEnv: [],
    sweep: jobs.length > 1,
    tasks: jobs.map((job) => ({
      command: job.command,
      params: job.params,
      jobId: job.id,
      env: { GANTRY_JOB_ID: String(job.id), GANTRY_ATTEMPT: String(job.attempt + 1) },
    })),
  };
}

/**
 * The sbatch scripts for jobs sent to Slurm one by one (`--slurm NAME --direct`), written by
 * formatSbatch, the formatter `gantry export --format slurm` prints: each job asks for its own
 * CPUs, memory and GPUs (`--gres=gpu:N`), its timeout or the cluster's time limit, and the
 * cluster's partition, account and QoS; jobs that differ only in command and params (a sweep)
 * become one array. Output goes to a file per task that the coordinator streams back as the log;
 * the exit status comes from Slurm's accounting (sacct) once the job has left squeue.
 */
export function directBatches(input: DirectScriptInput): DirectBatch[] {
  const groups = new Map<string, Job[]>();
  for (const job of input.jobs) {
    const key = batchKey(job);
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const { spec } = input;
  return [...groups.values()].map((jobs) => {
    const array = jobs.length > 1;
    const timeLimitS = jobs[0].timeout_s ?? spec.time_limit_min * 60;
    const script = formatSbatch(directModel(spec, jobs), {
      partition: spec.partition ?? undefined,
      account: spec.account ?? undefined,
      qos: spec.qos ?? undefined,
      timeLimitS,
      output: `${input.dir}/${array ? '%A_%a' : '%j'}.out`,
    });
    return { script, jobs, array };
  });
}
