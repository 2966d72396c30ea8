import { formatCommand, quoteArg, type ClaimedJob, type SlurmClusterSpec } from '../../shared';

/** The Slurm job name of a cluster's per-job arrays. */
export const directJobName = (cluster: string): string => `gantry-job-${cluster}`;

export interface DirectScriptInput {
  spec: SlurmClusterSpec;
  /** `~/.gantry/slurm/NAME/jobs` on the login node: output files `%A_%a.out` and their `.exit`. */
  dir: string;
  claimed: ClaimedJob[];
}

/** Whole minutes for --time: the longest job timeout, else the cluster's time limit. */
function timeMinutes(spec: SlurmClusterSpec, claimed: ClaimedJob[]): number {
  const timeouts = claimed.map((c) => c.job.timeout_s);
  if (timeouts.some((t) => t === null)) return spec.time_limit_min;
  return Math.max(1, ...timeouts.map((t) => Math.ceil((t as number) / 60)));
}

/** One `case` branch: the job's environment and working directory, then its command. */
function taskBranch(index: number, claimed: ClaimedJob): string {
  const { job } = claimed;
  const env = { ...job.env, GANTRY_JOB_ID: String(job.id), GANTRY_ATTEMPT: String(claimed.attempt) };
  const exports = Object.entries(env).map(([name, value]) => `${name}=${quoteArg(value)}`).join(' ');
  // A cwd tied to the submitter's machine means nothing on the cluster; a cwd for any worker is used as is.
  const cd = job.cwd && !job.cwd_machine ? `cd ${quoteArg(job.cwd)} && ` : '';
  return `  ${index}) ( ${cd}export ${exports} && exec ${formatCommand(job.command)} ) ;;`;
}

/**
 * The batch script of a job array for jobs sent to Slurm one by one (`--slurm NAME --direct`):
 * each array task runs one job (a sweep becomes one array), its output goes to its own file that
 * the coordinator streams back as the job's log, and its exit status to a file beside it.
 */
export function directScript(input: DirectScriptInput): string {
  const { spec, claimed } = input;
  const cpus = Math.max(1, ...claimed.map((c) => Math.ceil(c.job.requirements.cpus)));
  const memory = Math.max(0, ...claimed.map((c) => c.job.requirements.memory_mb));
  const lines = [
    '#!/bin/sh',
    `#SBATCH --job-name=${directJobName(spec.name)}`,
    `#SBATCH --array=0-${claimed.length - 1}`,
    `#SBATCH --output=${input.dir}/%A_%a.out`,
    `#SBATCH --time=${timeMinutes(spec, claimed)}`,
    '#SBATCH --nodes=1',
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${cpus}`,
    ...(memory > 0 ? [`#SBATCH --mem=${memory}M`] : []),
    ...(spec.partition ? [`#SBATCH --partition=${spec.partition}`] : []),
    ...(spec.account ? [`#SBATCH --account=${spec.account}`] : []),
    ...(spec.qos ? [`#SBATCH --qos=${spec.qos}`] : []),
    'case "$SLURM_ARRAY_TASK_ID" in',
    ...claimed.map((c, i) => taskBranch(i, c)),
    '  *) echo "no job for array task $SLURM_ARRAY_TASK_ID" >&2; false ;;',
    'esac',
    'code=$?',
    `printf '%s\\n' "$code" > ${quoteArg(input.dir)}/"\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}.out.exit"`,
    'exit "$code"',
    '',
  ];
  return lines.join('\n');
}
