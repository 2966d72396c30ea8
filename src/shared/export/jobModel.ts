import { parseOrThrow } from '../errors';
import { paramEnvName } from '../paramEnv';
import { SweepRequest } from '../routes';
import { JobSubmit, type Command, type Job, type JobSubmitInput, type ParamValue, type Requirements } from '../schemas/jobs';
import { isSecretEnvName } from '../secretEnv';
import { expandSweep, paramText } from '../sweep';

/** One run of the exported work: the whole job, or one point of a sweep. */
export interface ExportTask {
  command: Command;
  params: Record<string, ParamValue>;
  /** The Gantry job this task is, when exported from the queue. */
  jobId: number | null;
  /** Variables of this task alone, exported before its params (per-job mode: GANTRY_JOB_ID, GANTRY_ATTEMPT). */
  env?: Record<string, string>;
}

/**
 * What every formatter reads: a job, or a sweep of tasks that share everything but their command
 * and params. Built from a queued job, a submit spec or a sweep request, so each format is
 * written once against one shape.
 */
export interface JobModel {
  name: string;
  project: string;
  /** A directory meant for whichever machine runs the job (a shared filesystem); null when the job ran where it was submitted from. */
  cwd: string | null;
  env: Record<string, string>;
  /** Env names whose values must not be written into an export (declared secret, or secret by name). */
  secretEnv: string[];
  requirements: Requirements;
  timeoutS: number | null;
  maxAttempts: number;
  priority: number;
  /** True for a sweep, even of one point: formats then emit an array or an Indexed Job. */
  sweep: boolean;
  tasks: ExportTask[];
}

function secretNames(env: Record<string, string>, declared: readonly string[]): string[] {
  return Object.keys(env).filter((name) => isSecretEnvName(name) || declared.includes(name));
}

/**
 * A cwd with a machine is the submitter's own directory, which another machine does not have
 * (see JobSubmit.cwd_machine), so it is not exported.
 */
function sharedCwd(cwd: string | null, cwdMachine: string | null | undefined): string | null {
  return cwdMachine ? null : cwd;
}

export function modelFromJob(job: Job): JobModel {
  return {
    name: job.name,
    project: job.project,
    cwd: sharedCwd(job.cwd, job.cwd_machine),
    env: job.env,
    secretEnv: secretNames(job.env, job.secret_env ?? []),
    requirements: job.requirements,
    timeoutS: job.timeout_s,
    maxAttempts: job.max_attempts,
    priority: job.priority,
    sweep: false,
    tasks: [{ command: job.command, params: job.params, jobId: job.id }],
  };
}

function defaultName(command: Command): string {
  const text = Array.isArray(command) ? command.join(' ') : command.shell;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** A job described as `gantry submit` would send it; invalid fields throw a ValidationError naming them. */
export function modelFromSubmit(input: JobSubmitInput): JobModel {
  const spec = parseOrThrow(JobSubmit, input);
  return {
    name: spec.name ?? defaultName(spec.command),
    project: spec.project,
    cwd: sharedCwd(spec.cwd, spec.cwd_machine),
    env: spec.env,
    secretEnv: secretNames(spec.env, spec.secret_env),
    requirements: spec.requirements,
    timeoutS: spec.timeout_s,
    maxAttempts: spec.max_attempts,
    priority: spec.priority ?? 0,
    sweep: false,
    tasks: [{ command: spec.command, params: spec.params, jobId: null }],
  };
}

/** A sweep described as `gantry sweep` would send it, expanded the way the server expands it. */
export function modelFromSweep(input: SweepRequest): JobModel {
  const request = parseOrThrow(SweepRequest, input);
  const { template, params, mode, name, dry_run: _dryRun, ...shared } = request;
  const base = modelFromSubmit({ ...shared, name: name ?? template[0], command: template });
  const points = expandSweep(template, params, mode);
  return { ...base, name: base.name, sweep: true, tasks: points.map((point) => ({ command: point.argv, params: point.params, jobId: null })) };
}

/** The variables a Gantry worker gives a job for its params (see the agent's job environment). */
export function paramEnv(params: Record<string, ParamValue>): Record<string, string> {
  if (Object.keys(params).length === 0) return {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) env[paramEnvName(name)] = paramText(value);
  env.GANTRY_PARAMS = JSON.stringify(params);
  return env;
}

/** The env entries whose values may be written out, in their given order. */
export function plainEnv(model: JobModel): Array<[string, string]> {
  return Object.entries(model.env).filter(([name]) => !model.secretEnv.includes(name));
}

/** A command as the argv a process is started with: a shell string runs through `sh -c`, as on a worker. */
export function commandArgv(command: Command): string[] {
  return Array.isArray(command) ? command : ['sh', '-c', command.shell];
}
