import type { ClaimedJob } from '../../shared';

/** `learning-rate` → `GANTRY_PARAM_LEARNING_RATE`: environment names allow letters, digits and _ only. */
export function paramEnvName(name: string): string {
  return `GANTRY_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** The environment a job sees: the agent's, the job's own, then what Gantry promises (DESIGN.md, "Jobs see"). */
export function jobEnvironment(claimed: ClaimedJob, apiUrl: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
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
  return env;
}

/** argv exec'd directly, or a shell string through `sh -c` because the submitter asked for a shell. */
export function jobArgv(command: ClaimedJob['job']['command']): string[] {
  return Array.isArray(command) ? command : ['sh', '-c', command.shell];
}
