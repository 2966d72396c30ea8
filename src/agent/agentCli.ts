import { readFileSync } from 'node:fs';
import { getPriority, homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAgent } from './agent';
import type { InputCacheBounds } from './artifacts/inputCache';
import { agentNiceSteps, AGENT_NICE_ENV, DEFAULT_AGENT_NICE, raiseOwnNice } from './jobs/spawnHelper/agentPriority';
import { raiseSessionNice } from './jobs/spawnHelper/sessionPriority';
import { startSpawnHelper, type SpawnHelper } from './jobs/spawnHelper/startSpawnHelper';
import { stderrLogger, type AgentLogger } from './logger';
import { applyAgentV8Flags } from './memory/agentV8Flags';
import { keepOldSpaceSmall } from './memory/oldSpaceKeeper';
import type { PilotLifetime } from './pilot/pilotLifetime';
import { readSlurmAllocation } from './pilot/slurmAllocation';
import { AgentConfigError, checkCoordinatorUrl } from './transport/coordinatorUrl';
import { AGENT_VERSION } from './version';

const USAGE = `gantry-agent ${AGENT_VERSION}: runs Gantry jobs on this host.

Usage: node gantry-agent.js --url URL (--token TOKEN | --token-file FILE) [options]
       node gantry-agent.js relay --listen HOST[:PORT] --to HOST:PORT   (a Slurm login node's relay)

  --url URL            coordinator address: https://host:port, or http:// on this host
                       (127.0.0.1, ::1, localhost, or an SSH tunnel's end)
  --ca-file FILE       PEM certificate(s) to trust for an https:// coordinator (a private CA
                       or a self-signed certificate), besides the system's
  --insecure-http      allow http:// to another host: the token then crosses the network in clear
  --token TOKEN        worker token (visible to other users in ps; prefer --token-file
                       or the GANTRY_AGENT_TOKEN environment variable)
  --token-file FILE    read the worker token from FILE
  --name NAME          worker name (default: the hostname)
  --tags a,b           tags jobs can require
  --max-jobs N         jobs run at once at most (default: number of CPUs)
  --gpus 0,1           only these GPU indexes are offered to jobs (default: all)
  --prefetch N         hold up to N claimed jobs beyond the free slots, so the next job starts
                       without a round trip (default 0); they are handed back on stop
  --pin-cpus           give each job cores of its own (taskset), exported as GANTRY_CPUS;
                       GPU jobs get the cores nvidia-smi topo puts next to their GPUs
  --spool-dir DIR      the agent's state, kept 0700: unsent logs and results, the process
                       groups of running jobs (default: ~/.gantry/agent/spool)
  --nice N             the agent's own work (HTTP, journals, log relaying) runs N nice steps
                       below the priority it was started at, so it yields the CPU to the jobs
                       and to the coordinator; jobs still run at the starting priority, forked
                       by a small spawn helper started first. Where Linux's autogroup is on and
                       the agent leads its session (systemd, setsid), the session's autogroup
                       nice is raised by N too: only that makes it yield to other sessions, the
                       coordinator's among them (default ${DEFAULT_AGENT_NICE}: the agent keeps its priority
                       and forks jobs itself; see bench/README.md agent-nice; ${AGENT_NICE_ENV}
                       sets it too)
  --spawn-helper       with --nice 0: start jobs from the spawn helper all the same (a large
                       agent's forks are slow; the helper is small)
  --input-cache-mb MB  the inputs jobs and suite hooks stage are kept in <spool-dir>/inputs,
                       so a sweep with the same input downloads it once; least recently used
                       entries not being staged are removed past MB (default 10240; 0: no cache)
  --input-cache-days D entries not used for D days are removed (default 7)
  --inherit-env        jobs inherit this agent's whole environment; by default they get only
                       PATH HOME USER LOGNAME SHELL LANG LANGUAGE LC_* TZ TMPDIR TERM
                       LD_LIBRARY_PATH. Gantry's own variables (GANTRY_*, the worker token
                       among them) never reach a job; it gets its own GANTRY_TOKEN
  --nvidia-smi PATH    nvidia-smi binary (default: nvidia-smi; GANTRY_NVIDIA_SMI overrides)
  --idle-exit SECONDS  leave (gracefully) after SECONDS with no job running: a Slurm pilot
  --wall-end EPOCH_S   the pilot's Slurm wall time ends at this Unix time: it claims nothing
                       from --wind-down seconds before (default 300) and hands back what still
                       runs --hand-back seconds before (default 60), then exits
  --wind-down SECONDS
  --hand-back SECONDS
                       Inside a Slurm job (SLURM_JOB_ID set) the worker offers the CPUs, memory
                       and GPUs Slurm allocated (SLURM_CPUS_PER_TASK or SLURM_CPUS_ON_NODE,
                       SLURM_MEM_PER_NODE, SLURM_JOB_GPUS or CUDA_VISIBLE_DEVICES), not the node's
  --version            print the version
  -h, --help           print this help

SIGTERM or SIGINT stops gracefully: running jobs get SIGTERM and are reported; a second signal stops at once.
`;

function fail(message: string): never {
  process.stderr.write(`gantry-agent: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) fail(`${flag} must be a whole number of seconds ≥ 0`);
  return n;
}

/** `--input-cache-mb` and `--input-cache-days` as the cache's bounds; false turns the cache off. */
function inputCacheBounds(mb: string | undefined, days: string | undefined): InputCacheBounds | false {
  const maxMb = mb === undefined ? undefined : Number(mb);
  if (maxMb !== undefined && !(Number.isFinite(maxMb) && maxMb >= 0)) fail('--input-cache-mb must be a number of MB ≥ 0');
  const maxDays = days === undefined ? undefined : Number(days);
  if (maxDays !== undefined && !(Number.isFinite(maxDays) && maxDays > 0)) fail('--input-cache-days must be a number of days > 0');
  if (maxMb === 0) return false;
  return { maxBytes: maxMb === undefined ? undefined : maxMb * 1024 * 1024, maxAgeMs: maxDays === undefined ? undefined : maxDays * 24 * 3600 * 1000 };
}

/** A Slurm pilot's lifetime flags; undefined for an ordinary agent. */
function pilotLifetime(values: Record<string, string | boolean | undefined>): PilotLifetime | undefined {
  const idle = seconds('--idle-exit', values['idle-exit'] as string | undefined);
  const wallEnd = seconds('--wall-end', values['wall-end'] as string | undefined);
  if (idle === undefined && wallEnd === undefined) return undefined;
  const windDown = seconds('--wind-down', values['wind-down'] as string | undefined) ?? 300;
  const handBack = seconds('--hand-back', values['hand-back'] as string | undefined) ?? 60;
  if (handBack > windDown) fail('--hand-back must not exceed --wind-down');
  return { idleExitMs: idle === undefined ? undefined : idle * 1000, wallEndMs: wallEnd === undefined ? undefined : wallEnd * 1000, windDownMs: windDown * 1000, handBackMs: handBack * 1000 };
}

/**
 * The spawn helper, started now at the agent's priority when the agent is to yield (`--nice`), after
 * which the agent raises its own nice value and its session's: jobs keep the priority the agent was started with.
 */
async function yieldingSpawnHelper(niceSteps: number, logger: AgentLogger): Promise<SpawnHelper> {
  const jobPriority = getPriority();
  const helper = startSpawnHelper({
    jobPriority,
    onPriorityLost: (error, agentPriority) =>
      logger.warn('the spawn helper was started again and could not get back the jobs\' priority: jobs now start at the agent\'s', { jobPriority, agentPriority, error: error.message }),
  });
  if (niceSteps === 0) return helper;
  helper.start();
  try {
    logger.info('the agent yields to its jobs', { nice: raiseOwnNice(niceSteps), jobNice: jobPriority });
  } catch (error) {
    // Refused (a sandbox's seccomp filter): the agent runs as it would with --nice 0, through the helper.
    logger.warn('the agent could not raise its nice value; it keeps its priority', { error: (error as Error).message });
  }
  await yieldSession(niceSteps, logger);
  return helper;
}

/**
 * Raises the agent's session's autogroup nice (sessionPriority.ts): under autogroup, its threads' nice
 * value orders them only within their session. Where that cannot be done the agent carries on as before.
 */
async function yieldSession(niceSteps: number, logger: AgentLogger): Promise<void> {
  const outcome = await raiseSessionNice(niceSteps);
  if (outcome.applied) logger.info('the agent\'s session yields to other sessions (autogroup)', { autogroupNice: outcome.nice, from: outcome.from });
  else logger.info('the agent\'s session keeps its autogroup priority', { reason: outcome.reason });
}

/** `node gantry-agent.js [flags]`: parses the flags, starts the agent with its spawn helper, and stops it on SIGTERM/SIGINT. */
export async function runAgentCli(): Promise<void> {
  applyAgentV8Flags();
  keepOldSpaceSmall();
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        name: { type: 'string' },
        tags: { type: 'string' },
        'max-jobs': { type: 'string' },
        gpus: { type: 'string' },
        prefetch: { type: 'string' },
        'pin-cpus': { type: 'boolean' },
        'spool-dir': { type: 'string' },
        'nvidia-smi': { type: 'string' },
        'ca-file': { type: 'string' },
        'insecure-http': { type: 'boolean' },
        'inherit-env': { type: 'boolean' },
        'input-cache-mb': { type: 'string' },
        'input-cache-days': { type: 'string' },
        'spawn-helper': { type: 'boolean' },
        nice: { type: 'string' },
        'idle-exit': { type: 'string' },
        'wall-end': { type: 'string' },
        'wind-down': { type: 'string' },
        'hand-back': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`${AGENT_VERSION}\n`);
  if (!values.url) fail('--url is required');
  const token = values.token ?? (values['token-file'] ? readFileSync(values['token-file'], 'utf8').trim() : process.env.GANTRY_AGENT_TOKEN);
  if (!token) fail('a token is required (--token, --token-file or GANTRY_AGENT_TOKEN)');
  const maxJobs = values['max-jobs'] === undefined ? undefined : Number(values['max-jobs']);
  if (maxJobs !== undefined && !(Number.isInteger(maxJobs) && maxJobs >= 1)) fail('--max-jobs must be a whole number ≥ 1');
  const gpus = values.gpus === undefined ? undefined : values.gpus.split(',').filter((g) => g.trim() !== '').map(Number);
  if (gpus?.some((g) => !(Number.isInteger(g) && g >= 0))) fail('--gpus takes GPU indexes, like 0,1');
  const prefetch = values.prefetch === undefined ? 0 : Number(values.prefetch);
  if (!(Number.isInteger(prefetch) && prefetch >= 0 && prefetch <= 1000)) fail('--prefetch must be a whole number from 0 to 1000');

  const inputCache = inputCacheBounds(values['input-cache-mb'], values['input-cache-days']);
  const pilot = pilotLifetime(values);
  try {
    checkCoordinatorUrl(values.url, values['insecure-http'] ?? false);
  } catch (error) {
    if (error instanceof AgentConfigError) fail(error.message);
    throw error;
  }
  const ca = values['ca-file'] ? readFileSync(values['ca-file']) : undefined;
  let niceSteps = 0;
  try {
    niceSteps = agentNiceSteps(values.nice, process.env[AGENT_NICE_ENV]);
  } catch (error) {
    fail((error as Error).message);
  }

  const logger = stderrLogger();
  const spawnHelper = niceSteps > 0 || values['spawn-helper'] ? await yieldingSpawnHelper(niceSteps, logger) : undefined;
  const agent = await startAgent({
    url: values.url,
    token,
    name: values.name,
    tags: values.tags?.split(',').map((t) => t.trim()).filter(Boolean),
    maxJobs,
    gpuIndexes: gpus,
    spoolDir: values['spool-dir'] ?? join(homedir(), '.gantry', 'agent', 'spool'),
    nvidiaSmi: values['nvidia-smi'],
    ca,
    insecureHttp: values['insecure-http'],
    inheritEnv: values['inherit-env'],
    pilot,
    allocation: readSlurmAllocation(process.env),
    prefetch,
    pinCpus: values['pin-cpus'],
    inputCache,
    logger,
    spawnJob: spawnHelper?.spawnJob,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    logger.info('signal received; stopping', { signal, graceful: signals === 1 });
    void agent.stop({ graceful: signals === 1 }).then(() => process.exit(signals === 1 ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Stopped on an admin's request (the console's Stop button): leave like a graceful SIGTERM.
  void agent.stopped.then(() => signals === 0 && process.exit(0));
}
