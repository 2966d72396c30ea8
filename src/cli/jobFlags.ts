import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { CheckpointSignal, kubernetesPilotTag, LIMITS, type JobSubmitInput, type RequirementsInput } from '../shared';
import { usageError } from './exitCodes';
import { localMachine } from '../agent';

/** The resource and scheduling flags `submit` and `sweep` share, as commander parses them. */
export interface JobFlags {
  project?: string;
  name?: string;
  priority?: number;
  gpus?: number;
  gpuMem?: number;
  cpus?: number;
  mem?: number;
  tag?: string[];
  /** Place on the workers of this SSH host (`gantry hosts`): the tag `host:NAME`. */
  host?: string;
  /** Run on this Kubernetes cluster (`gantry k8s`), with direct: its bridge worker's tag `k8s:NAME`. */
  k8s?: string;
  direct?: boolean;
  /** Run on the pilots of this Slurm cluster (`gantry slurm`): the tag `slurm:NAME`. */
  slurm?: string;
  after?: number[];
  retries?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  timeout?: number;
  env?: string[];
  secretEnv?: string[];
  /**
   * Globs of files the agent uploads as artifacts when the job ends. A string where the command
   * has an --output of its own (export's Slurm output pattern), which then is not a job flag.
   */
  output?: string[] | string;
  /** Artifacts, models, datasets or local files staged into the job's directory before it starts. */
  input?: string[];
  keepInputs?: boolean;
  cwd?: string;
  /** Run in a copy of this directory: copied to the --host, or packed for any worker. */
  sync?: string;
  preemptible?: boolean;
  checkpointSignal?: string;
  grace?: number;
  minRuntime?: number;
  /** The open suite the jobs join (`gantry suite create`). */
  suite?: string;
}

export type JobFields = Omit<JobSubmitInput, 'command'>;

export function integerArg(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  const expected = max < Number.MAX_SAFE_INTEGER ? `expected a whole number from ${min} to ${max}` : `expected a whole number, ${min} or more`;
  return (text) => {
    const value = Number(text);
    if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(expected);
    return value;
  };
}

/** Priorities the server accepts, so the CLI refuses the rest stating the real bound. */
export const priorityArg = integerArg(-LIMITS.priority, LIMITS.priority);

export function positiveNumberArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('expected a number, 0 or more');
  return value;
}

export function collect<T>(parse: (text: string) => T): (text: string, previous: T[] | undefined) => T[] {
  return (text, previous) => [...(previous ?? []), parse(text)];
}

const keep = (text: string): string => text;

/** USR1 and SIGUSR1 alike, refused unless the server would take it. */
export function checkpointSignalArg(text: string): string {
  const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : `SIG${text.toUpperCase()}`;
  if (!CheckpointSignal.safeParse(name).success) throw new InvalidArgumentError(`expected one of ${CheckpointSignal.options.join(', ')}`);
  return name;
}

/** Adds the flags of JobFlags to a command. */
export function addJobFlags(command: Command): Command {
  if (!command.options.some((option) => option.long === '--output')) {
    command.option('--output <glob>', "files to keep as artifacts when the job ends, relative to its directory, e.g. 'ckpt/*.pt' (repeatable)", collect(keep));
  }
  return command
    .option('--project <name>', 'project (default: "default")')
    .option('--name <name>', 'job name (default: derived from the command)')
    .option('--priority <n>', `higher runs first (${-LIMITS.priority} to ${LIMITS.priority})`, priorityArg)
    .option('--gpus <n>', 'GPUs per job', integerArg(0))
    .option('--gpu-mem <mb>', 'GPU memory per GPU in MB; lets jobs share a GPU', integerArg(1))
    .option('--cpus <n>', 'CPUs per job (fractions allowed)', positiveNumberArg)
    .option('--mem <mb>', 'memory in MB', integerArg(0))
    .option('--tag <tag>', 'run only on workers with this tag (repeatable)', collect(keep))
    .option('--host <name>', 'run on the workers of this SSH host (see `gantry hosts`)')
    .option('--k8s <name>', "run on this Kubernetes cluster's pilot agents (see `gantry k8s`); with --direct, each job as its own Kubernetes Job")
    .option('--direct', 'with --k8s: run the job as its own Kubernetes Job; with --slurm: as its own sbatch job')
    .option('--slurm <name>', 'run on the pilot agents of this Slurm cluster (see `gantry slurm`)')
    .option('--sync <dir>', 'run in a copy of DIR (minus .gitignore/.gantryignore matches; sent once per content): with --host, copied to that host first; else packed once and extracted once by each worker that runs a job')
    .option('--after <id>', 'start after job ID succeeded (repeatable)', collect(integerArg(1)))
    .option('--retries <n>', 'retries after a failure (attempts = retries + 1)', integerArg(0))
    .option('--retry-delay <s>', 'wait S seconds before retrying a failed attempt', integerArg(0))
    .option('--retry-backoff', 'double the retry delay after each failure')
    .option('--timeout <s>', 'kill an attempt after S seconds', integerArg(1))
    .option('--preemptible', "may be checkpointed and stopped for a higher-priority job; it re-queues without spending an attempt (default: the project's, see `gantry projects`)")
    .option('--no-preemptible', "never preempted, whatever the project's default")
    .option('--checkpoint-signal <sig>', `signal sent first when preempted (${CheckpointSignal.options.join(', ')}; default SIGUSR1)`, checkpointSignalArg)
    .option('--grace <s>', 'seconds between the checkpoint signal and SIGTERM (default 120)', integerArg(0))
    .option('--min-runtime <s>', 'seconds a run lasts before it may be preempted (default 600)', integerArg(0))
    .option('--env <K=V>', 'environment variable; K alone copies K from your environment (repeatable)', collect(keep))
    .option('--secret-env <NAME>', 'an env name whose value is secret: shown redacted to read tokens (repeatable)', collect(keep))
    .option('--suite <name>', "join this open suite: its setup runs once per worker first, its tags choose the workers (see `gantry suite create`)")
    .option('--input <name>', 'stage JOB:PATH, model:NAME[@VERSION], dataset:NAME or a local file (uploaded as a dataset) into the job directory before it starts; a zip or tar is extracted (repeatable)', collect(keep))
    .option('--keep-inputs', 'leave staged inputs in the job directory after the attempt')
    .option('--cwd <dir>', 'working directory on the worker, on any machine (relative paths resolve against yours). Default: this directory on a worker on this machine, a scratch directory on a worker elsewhere');
}

/** Maps flags to the job fields they set; absent flags are left out so the server's defaults apply. */
export function jobFieldsFromFlags(flags: JobFlags, context: { cwd: string; env: NodeJS.ProcessEnv }): JobFields {
  const requirements: RequirementsInput = {};
  if (flags.gpus !== undefined) requirements.gpus = flags.gpus;
  if (flags.gpuMem !== undefined) requirements.gpu_memory_mb = flags.gpuMem;
  if (flags.cpus !== undefined) requirements.cpus = flags.cpus;
  if (flags.mem !== undefined) requirements.memory_mb = flags.mem;
  const tags = [...(flags.tag ?? []), ...(flags.host ? [`host:${flags.host}`] : []), ...kubernetesTags(flags), ...slurmTags(flags)];
  if (tags.length) requirements.tags = tags;

  const fields: JobFields = {};
  if (flags.project !== undefined) fields.project = flags.project;
  if (flags.name !== undefined) fields.name = flags.name;
  if (flags.priority !== undefined) fields.priority = flags.priority;
  if (Object.keys(requirements).length > 0) fields.requirements = requirements;
  if (flags.after?.length) fields.depends_on = flags.after;
  if (flags.retries !== undefined) fields.max_attempts = flags.retries + 1;
  if (flags.retryDelay !== undefined) fields.retry_delay_s = flags.retryDelay;
  if (flags.retryBackoff) fields.retry_backoff = true;
  if (flags.timeout !== undefined) fields.timeout_s = flags.timeout;
  if (flags.preemptible !== undefined) fields.preemptible = flags.preemptible;
  if (flags.checkpointSignal !== undefined) fields.checkpoint_signal = flags.checkpointSignal as CheckpointSignal;
  if (flags.grace !== undefined) fields.grace_s = flags.grace;
  if (flags.minRuntime !== undefined) fields.min_runtime_s = flags.minRuntime;
  if (flags.env?.length) fields.env = parseEnvPairs(flags.env, context.env);
  if (flags.secretEnv?.length) fields.secret_env = flags.secretEnv;
  if (Array.isArray(flags.output) && flags.output.length) fields.outputs = flags.output;
  if (flags.input?.length) fields.inputs = flags.input;
  if (flags.keepInputs) fields.keep_inputs = true;
  if (flags.cwd !== undefined) fields.cwd = resolve(context.cwd, flags.cwd);
  if (flags.suite !== undefined) fields.suite = flags.suite;
  return fields;
}

/**
 * `--k8s NAME`: the tag of the cluster's pilot agents (an Indexed Job that follows demand); with
 * --direct, the job becomes a Kubernetes Job of its own through that cluster's bridge worker.
 */
function kubernetesTags(flags: Pick<JobFlags, 'k8s' | 'slurm' | 'direct'>): string[] {
  if (flags.direct && flags.k8s === undefined && flags.slurm === undefined) throw usageError('--direct: give the cluster with --k8s NAME or --slurm NAME');
  if (flags.k8s === undefined) return [];
  return [flags.direct ? `k8s:${flags.k8s}` : kubernetesPilotTag(flags.k8s)];
}

/** --slurm NAME: the tag of the cluster's pilot agents; with --direct, of its per-job sbatch worker. */
function slurmTags(flags: Pick<JobFlags, 'k8s' | 'slurm' | 'direct'>): string[] {
  if (flags.slurm === undefined) return [];
  if (flags.k8s !== undefined) throw usageError('--slurm and --k8s: a job runs on one cluster; give one of them');
  return [flags.direct ? `slurm-direct:${flags.slurm}` : `slurm:${flags.slurm}`];
}

/**
 * Without --cwd a job runs where it was submitted from: this directory, on this machine. A worker
 * on another machine cannot use that path and runs the job in a scratch directory instead.
 */
export function submittedFrom(flags: Pick<JobFlags, 'cwd'>, context: { cwd: string }, machine: () => string = localMachine): Pick<JobFields, 'cwd' | 'cwd_machine'> {
  return flags.cwd === undefined ? { cwd: context.cwd, cwd_machine: machine() } : {};
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvPairs(pairs: string[], localEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!ENV_NAME.test(name)) throw usageError(`--env ${pair}: "${name}" is not a variable name (letters, digits and _)`);
    const value = eq < 0 ? localEnv[name] : pair.slice(eq + 1);
    if (value === undefined) throw usageError(`--env ${name}: not set in your environment; use --env ${name}=VALUE`);
    env[name] = value;
  }
  return env;
}
