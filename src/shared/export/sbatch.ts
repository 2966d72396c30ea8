import { ValidationError } from '../errors';
import { quoteArg } from '../format/shellQuote';
import type { JobModel } from './jobModel';
import { describeModel, envExportLines, sweepCaseLines, taskLines } from './shellScript';

/** What a cluster adds to a job: where it is billed and queued, and where its output goes. */
export interface SbatchOptions {
  partition?: string;
  account?: string;
  qos?: string;
  /** Wall-clock limit in seconds; default: the job's timeout, else the partition's default. */
  timeLimitS?: number;
  /** `--output` pattern; default: Slurm's own (slurm-%j.out, slurm-%A_%a.out for an array). */
  output?: string;
  /** The most array tasks running at once (`--array=0-N%K`). */
  arrayParallelism?: number;
  /** Directory the job starts in on the cluster (a `cd`, so any path works); default: the job's own cwd when it is meant for any machine. */
  chdir?: string;
  /** Further `#SBATCH` lines, written as given after the generated ones (`--constraint=a100`, `--exclusive`). */
  extraDirectives?: string[];
}

/** Slurm's `D-HH:MM:SS`, rounded up to the whole second it already is. */
export function slurmTime(seconds: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  const clock = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}-${clock}` : clock;
}

/**
 * A generated directive value must be one word: sbatch reads `#SBATCH` lines with its own
 * splitting, and a newline would end the directive block and start the script.
 */
function directiveValue(field: string, value: string): string {
  if (/\s/.test(value) || value === '') throw new ValidationError(`${field}: must be one word with no spaces`, field);
  return value;
}

/** Slurm prints job names in squeue columns: letters, digits and `_.=:+,@-` read everywhere, so the rest become `_`. */
export function slurmJobName(name: string): string {
  return name.replace(/[^\w.=:+,@-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128) || 'gantry';
}

function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new ValidationError(`${field}: must be one line`, field);
  return value;
}

function directives(model: JobModel, options: SbatchOptions): string[] {
  const req = model.requirements;
  const lines: Array<[string, string]> = [['job-name', model.name]];
  if (options.partition) lines.push(['partition', options.partition]);
  if (options.account) lines.push(['account', options.account]);
  if (options.qos) lines.push(['qos', options.qos]);
  const time = options.timeLimitS ?? model.timeoutS;
  if (time) lines.push(['time', slurmTime(time)]);
  lines.push(['nodes', '1'], ['ntasks', '1'], ['cpus-per-task', String(Math.max(1, Math.ceil(req.cpus)))]);
  if (req.memory_mb > 0) lines.push(['mem', `${req.memory_mb}M`]);
  if (req.gpus > 0) lines.push(['gres', `gpu:${req.gpus}`]);
  if (model.sweep) lines.push(['array', `0-${model.tasks.length - 1}${options.arrayParallelism ? `%${options.arrayParallelism}` : ''}`]);
  if (options.output) lines.push(['output', options.output]);
  return [
    ...lines.map(([name, value]) => `#SBATCH --${name}=${directiveValue(`sbatch.${name}`, value)}`),
    ...(options.extraDirectives ?? []).map((extra, index) => `#SBATCH ${oneLine(`sbatch.extraDirectives.${index}`, extra)}`),
  ];
}

/**
 * The sbatch script for a job (one task) or a sweep (an array whose task id picks the point).
 * Directives come first, as sbatch stops reading them at the first command. The job's name is
 * made one word; GPUs are whole (`--gres=gpu:N`) because Slurm has no portable GPU-memory share.
 */
export function formatSbatch(model: JobModel, options: SbatchOptions = {}): string {
  const lines = ['#!/bin/bash', ...directives({ ...model, name: slurmJobName(model.name) }, options), ...describeModel(model), 'set -u'];
  const chdir = options.chdir ?? model.cwd;
  if (chdir) lines.push(`cd ${quoteArg(chdir)}`);
  lines.push(...envExportLines(model));
  lines.push(...(model.sweep ? sweepCaseLines(model, 'SLURM_ARRAY_TASK_ID') : taskLines(model.tasks[0])));
  return `${lines.join('\n')}\n`;
}
