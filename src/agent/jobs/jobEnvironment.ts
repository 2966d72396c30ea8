import { paramEnvName, type ClaimedJob } from '../../shared';

export { paramEnvName };

/**
 * The agent's variables a job inherits by default: what a program needs to find itself, its
 * user and its locale, and nothing that may hold a secret. `--inherit-env` passes them all.
 * LD_LIBRARY_PATH is here because CUDA installs are commonly found through it.
 */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'TMPDIR', 'TERM', 'LD_LIBRARY_PATH'] as const;

function allowListed(name: string): boolean {
  return INHERITED_ENV.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));
}

/**
 * Gantry's own variables never pass from the agent to a job, even with `--inherit-env`: they hold
 * the agent's token, its worker credential, an admin's CLI token. The job gets its own below.
 */
function isGantryVariable(name: string): boolean {
  return name.startsWith('GANTRY_');
}

export interface JobEnvironmentOptions {
  /** The agent's environment (process.env by default). */
  base?: NodeJS.ProcessEnv;
  /** Pass every variable of the agent's (but Gantry's own), not only the allow-list. */
  inherit?: boolean;
  /** The job's checkpoint directory on this worker, kept across attempts (GANTRY_CHECKPOINT_DIR). */
  checkpointDir?: string;
  /** The folder holding gantry_job.py; it goes first on the job's PYTHONPATH. */
  pythonHelperDir?: string;
}

/** The part of the agent's environment a job (or a suite hook) starts from. */
export function inheritedEnvironment(options: Pick<JobEnvironmentOptions, 'base' | 'inherit'> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.base ?? process.env)) {
    if (value === undefined || isGantryVariable(key)) continue;
    if (options.inherit || allowListed(key)) env[key] = value;
  }
  return env;
}

/**
 * What an agent's `base` environment passes on, worked out once per base: the agent gives every job
 * the same base object, taken at start, and filtering it per job was ~10 µs of CPU a job
 * (bench/README.md, e2e.agent.cpu_ms_per_job). A base is not changed after it is handed over.
 */
const inheritedOfBase = new WeakMap<NodeJS.ProcessEnv, { allowListed?: Record<string, string>; all?: Record<string, string> }>();

function inheritedOnce(options: Pick<JobEnvironmentOptions, 'base' | 'inherit'>): Record<string, string> {
  const { base } = options;
  // process.env may change while the agent runs (tests set variables), so it is read each time.
  if (!base || base === process.env) return inheritedEnvironment(options);
  let cached = inheritedOfBase.get(base);
  if (!cached) inheritedOfBase.set(base, (cached = {}));
  const key = options.inherit ? 'all' : 'allowListed';
  return (cached[key] ??= inheritedEnvironment(options));
}

/** The environment a job sees: part of the agent's, the job's own, then what Gantry promises (DESIGN.md, "Jobs see"). */
export function jobEnvironment(claimed: ClaimedJob, apiUrl: string, options: JobEnvironmentOptions = {}): Record<string, string> {
  const env = { ...inheritedOnce(options) };
  Object.assign(env, claimed.job.env);
  for (const [name, value] of Object.entries(claimed.job.params)) env[paramEnvName(name)] = String(value);
  Object.assign(env, {
    GANTRY_JOB_ID: String(claimed.job.id),
    GANTRY_ATTEMPT: String(claimed.attempt),
    GANTRY_API: apiUrl,
    GANTRY_TOKEN: claimed.token,
    GANTRY_PARAMS: JSON.stringify(claimed.job.params),
    // Always set, even empty: an empty value hides every GPU from a job that asked for none.
    CUDA_VISIBLE_DEVICES: claimed.cuda_visible_devices,
  });
  if (options.checkpointDir) env.GANTRY_CHECKPOINT_DIR = options.checkpointDir;
  // gantry_job.py catches this signal so should_stop() can tell the script to checkpoint.
  env.GANTRY_CHECKPOINT_SIGNAL = claimed.job.checkpoint_signal ?? 'SIGUSR1';
  if (options.pythonHelperDir) env.PYTHONPATH = env.PYTHONPATH ? `${options.pythonHelperDir}:${env.PYTHONPATH}` : options.pythonHelperDir;
  // An attempt after a preemption resumes from what the job saved in its checkpoint directory.
  if ((claimed.job.preempted_attempts ?? 0) > 0) env.GANTRY_RESUME = '1';
  return env;
}

/** argv exec'd directly, or a shell string through `sh -c` because the submitter asked for a shell. */
export function jobArgv(command: ClaimedJob['job']['command']): string[] {
  return Array.isArray(command) ? command : ['sh', '-c', command.shell];
}
