import { join } from 'node:path';
import type { GpuDevice, WorkerRegister } from '../shared';
import { installPythonHelper } from './artifacts/pythonHelper';
import { InputCache, type InputCacheBounds } from './artifacts/inputCache';
import { jobInputStager, stageInputs } from './artifacts/stageInputs';
import { outputCollector } from './artifacts/uploadOutputs';
import { Capacity } from './capacity';
import { deliverToCoordinator, judgeDeliveryFailure } from './deliverToCoordinator';
import { createFinishBatcher, type NextJobs } from './finishBatcher';
import { nextJobsWithResults } from './session/nextJobs';
import { detectResources, onlyGpus, type HostResources } from './detectResources';
import { GpuTelemetry } from './gpu/gpuTelemetry';
import { localMachine } from './localMachine';
import type { SpawnJob } from './jobs/jobProcess';
import { spawnPipedJob } from './jobs/spawnPipedJob';
import { watchPilotLifetime, type PilotLifetime } from './pilot/pilotLifetime';
import { withinAllocation, type SlurmAllocation } from './pilot/slurmAllocation';
import { stderrLogger, type AgentLogger } from './logger';
import { AgentState } from './session/agentState';
import { cancelAttempt } from './session/cancelAttempt';
import { runClaimLoop } from './session/claimLoop';
import { Heartbeats } from './session/heartbeats';
import { RunningJobs } from './session/runningJobs';
import { WorkerSession } from './session/workerSession';
import type { BackoffOptions } from './spool/backoff';
import { Deliverer } from './spool/deliverer';
import { Spool } from './spool/spool';
import { ProcessGroupRecords } from './state/processGroups';
import { reapOrphans } from './state/reapOrphans';
import { CheckpointDirs } from './state/checkpointDirs';
import { secureStateDir } from './state/secureStateDir';
import { CoordinatorLink } from './transport/coordinatorLink';
import { checkCoordinatorUrl } from './transport/coordinatorUrl';
import { AGENT_VERSION } from './version';
import { WorkerCredential } from './workerCredential';
import { inheritedEnvironment } from './jobs/jobEnvironment';
import { agentCores, CorePinner } from './pinning/corePinner';
import { readGpuAffinity } from './pinning/gpuAffinity';
import { PrefetchBuffer } from './prefetch/prefetchBuffer';
import { startSuitePolling } from './suites/suitePolling';
import { SuiteEnvironments } from './suites/suiteEnvironments';

export interface AgentOptions {
  url: string;
  token: string;
  name?: string;
  tags?: string[];
  /** Jobs run at once at most; defaults to the number of CPUs. */
  maxJobs?: number;
  /** The agent's state dir (0700): unsent logs, metrics and results wait here across restarts, beside the records of the process groups it started. */
  spoolDir: string;
  cpus?: number;
  memoryMb?: number;
  /** Path of nvidia-smi; the GANTRY_NVIDIA_SMI environment variable overrides it. */
  nvidiaSmi?: string;
  /** GPU indexes of this host the agent may use (`--gpus 0,1`); default all. */
  gpuIndexes?: number[];
  heartbeatMs?: number;
  telemetryMs?: number;
  /** Between SIGTERM and SIGKILL when a job is cancelled, times out or the agent stops. */
  killGraceMs?: number;
  /** How long one claim long-poll waits on the coordinator for a job. */
  claimWaitMs?: number;
  /** How long a graceful stop waits for unsent items before leaving them in the spool. */
  drainMs?: number;
  /** PEM certificates to trust for an https:// coordinator, besides the system's. */
  ca?: string | Buffer;
  /** Allow an http:// URL that is not loopback (the token then crosses the network in clear). */
  insecureHttp?: boolean;
  /** Jobs inherit the agent's whole environment (Gantry's own variables excepted) instead of the allow-list. */
  inheritEnv?: boolean;
  retry?: BackoffOptions;
  logger?: AgentLogger;
  spawnJob?: SpawnJob;
  /** GPUs this worker offers instead of those nvidia-smi finds here: a bridge to a cluster offers the cluster's. */
  gpus?: GpuDevice[];
  /** Set for a Slurm pilot: when it leaves on its own (idle, wall time). */
  pilot?: PilotLifetime;
  /** Set inside a Slurm job: the worker offers the CPUs, memory and GPUs Slurm gave it, not the node's. */
  allocation?: SlurmAllocation | null;
  /** Claimed jobs held beyond the free slots, so the next starts without a round trip (default 0). */
  prefetch?: number;
  /** Each job runs on cores of its own (taskset), exported as GANTRY_CPUS; GPU jobs near their GPUs. */
  pinCpus?: boolean;
  /**
   * Bounds of the worker's input cache (`<spoolDir>/inputs`), which jobs, synced work dirs and suite hooks
   * share so each input is downloaded once per worker; `false` (or maxBytes 0) downloads every time.
   */
  inputCache?: InputCacheBounds | false;
}

export interface Agent {
  /** Changes if the coordinator forgot this worker and it registered again. */
  readonly workerId: string;
  /** The heartbeat interval in force: the configured one, shortened to a third of the coordinator's lease. */
  readonly heartbeatIntervalMs: number;
  /** graceful: stop claiming, SIGTERM running jobs, report them, deliver what is spooled, deregister. Otherwise SIGKILL the jobs and leave the spool for the next run. */
  stop(options: { graceful: boolean }): Promise<void>;
  /** Settles once the agent has stopped, whether by `stop()` or because an admin asked it to. */
  readonly stopped: Promise<void>;
}

function registration(options: AgentOptions, host: HostResources, runs: RunningJobs, prefetch: PrefetchBuffer): () => WorkerRegister {
  return () => ({
    name: options.name ?? host.hostname,
    hostname: host.hostname,
    cpus: options.cpus ?? host.cpus,
    memory_mb: options.memoryMb ?? host.memoryMb,
    gpus: options.gpus ?? host.gpus,
    tags: options.tags ?? [],
    version: AGENT_VERSION,
    running: [...runs.held(), ...prefetch.held()],
  });
}

/** Unsent items are written to the spool first and delivered from there, so a crash or an outage loses nothing. */
function openDelivery(link: CoordinatorLink, options: AgentOptions, logger: AgentLogger, nextJobs: () => NextJobs | null): Deliverer {
  const finishBatched = createFinishBatcher(link.client, nextJobs);
  const deliverer = new Deliverer({
    spool: Spool.open(options.spoolDir),
    send: (item) => deliverToCoordinator(link.client, item, finishBatched),
    judgeFailure: judgeDeliveryFailure,
    backoff: options.retry,
    logger,
  });
  if (deliverer.pending > 0) logger.info('delivering what an earlier run left in the spool', { items: deliverer.pending });
  return deliverer;
}

/** The cache jobs and suite hooks stage inputs through, with what was left from earlier runs pruned to its bounds. */
function openInputCache(options: AgentOptions): InputCache | undefined {
  if (options.inputCache === false || options.inputCache?.maxBytes === 0) return undefined;
  const cache = new InputCache(join(options.spoolDir, 'inputs'), options.inputCache);
  cache.prune();
  return cache;
}

/** Samples the GPUs every `intervalMs` until the agent stops; hosts without GPUs skip it. */
async function startTelemetry(telemetry: GpuTelemetry, intervalMs: number, state: AgentState): Promise<() => void> {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => void telemetry.sample().finally(() => !state.stopping && schedule()), intervalMs);
  };
  await telemetry.sample();
  schedule();
  return () => clearTimeout(timer);
}

/**
 * A worker agent: registers, heartbeats, claims jobs that fit and runs them, delivering their
 * logs, metrics and results through an on-disk spool. Each of those is its own piece; this
 * function wires them together and owns the order of start and stop.
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const logger = options.logger ?? stderrLogger();
  checkCoordinatorUrl(options.url, options.insecureHttp ?? false);
  const heartbeatMs = options.heartbeatMs ?? 3000;
  const killGraceMs = options.killGraceMs ?? 10_000;
  const nvidiaSmi = process.env.GANTRY_NVIDIA_SMI || options.nvidiaSmi || 'nvidia-smi';
  secureStateDir(options.spoolDir, logger);
  const groups = new ProcessGroupRecords(options.spoolDir);
  const orphansReaped = reapOrphans(groups, logger, killGraceMs);

  const state = new AgentState();
  const stopController = new AbortController();
  // The enrolment token registers; every later call carries the worker credential registering returned.
  const credential = new WorkerCredential(options.spoolDir, options.url, options.token);
  const link = new CoordinatorLink({
    url: options.url, token: () => credential.token, stopSignal: stopController.signal, ca: options.ca,
    onChannelChange: (open, detail) => logger.info(open ? 'agent channel open' : 'agent channel closed; HTTP meanwhile', { detail }),
    onClaimReplyLost: () => {
      if (!state.stopping) void session.reregister();
    },
  });
  const detected = onlyGpus(await detectResources(nvidiaSmi, logger), options.gpuIndexes);
  const host = options.allocation ? withinAllocation(detected, options.allocation) : detected;
  const capacity = new Capacity(options.maxJobs ?? Math.max(1, host.cpus));
  // Results claim the jobs for the slots they free (finish-and-claim); wired once the runs exist.
  let nextJobs: NextJobs | null = null;
  const deliverer = openDelivery(link, options, logger, () => nextJobs);
  const checkpoints = new CheckpointDirs(join(options.spoolDir, 'checkpoints'));
  checkpoints.adoptSpares();
  const prefetch = new PrefetchBuffer(options.prefetch ?? 0);
  const spawnJob = options.spawnJob ?? spawnPipedJob;
  const inputCache = openInputCache(options);
  // Set once registered; hooks run only after that.
  let workerId = '';
  const suites = new SuiteEnvironments({
    root: join(options.spoolDir, 'suites'), client: link.client, workerId: () => workerId, spawnJob, killGraceMs, outbox: deliverer, logger, retry: options.retry,
    baseEnv: () => inheritedEnvironment({ inherit: options.inheritEnv ?? false }),
    // With the worker credential: a suite's inputs are served to workers, not to one job's token.
    stageInputs: (suite, dir, log, signal) => stageInputs((suite.inputs ?? []).map((input, position) => ({ ...input, from: `/api/v1/suites/${suite.id}/inputs/${position}` })), dir, {
      endpoint: { baseUrl: options.url, token: credential.token, ca: options.ca }, cache: inputCache, log, signal,
    }),
  });
  const pinner = options.pinCpus ? new CorePinner(agentCores(), await readGpuAffinity(nvidiaSmi)) : undefined;
  const runs = new RunningJobs({
    capacity, deliverer, groups, logger,
    spawnJob,
    suites,
    pinner,
    apiUrl: options.url,
    killGraceMs,
    inheritEnv: options.inheritEnv ?? false,
    baseEnv: inheritedEnvironment({ inherit: options.inheritEnv ?? false }),
    checkpoints,
    collectOutputs: outputCollector({ baseUrl: options.url, ca: options.ca }),
    stageInputs: jobInputStager({ baseUrl: options.url, ca: options.ca }, inputCache),
    pythonHelperDir: installPythonHelper(options.spoolDir),
    placement: { machine: localMachine(), workerName: options.name ?? host.hostname, scratchRoot: join(options.spoolDir, 'scratch') },
    onSlotFree: () => {
      // A buffered job takes the freed slot at once; the claim loop refills the buffer.
      const next = state.stopping ? undefined : prefetch.shift();
      if (next) runs.start(next);
      state.wakeup.notify();
    },
  });
  const telemetry = new GpuTelemetry(nvidiaSmi, () => runs.processes(), logger, options.gpuIndexes);
  nextJobs = nextJobsWithResults({ capacity, runs, telemetry, state, outbox: deliverer });

  const session = new WorkerSession({ link, credential, registration: registration(options, host, runs, prefetch), state, logger, retry: options.retry });
  const worker = await session.register();
  workerId = worker.id;
  logger.info('registered', { worker_id: worker.id, cpus: worker.cpus, memory_mb: worker.memory_mb, gpus: host.gpus.length });

  let stopped: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stoppedSignal = new Promise<void>((resolve) => (markStopped = resolve));
  const stopOnce = (graceful: boolean): Promise<void> => (stopped ??= stop(graceful).finally(markStopped));
  let stopWatchingLifetime: () => void = () => undefined;

  const stopTelemetry = host.gpus.length > 0 ? await startTelemetry(telemetry, options.telemetryMs ?? heartbeatMs, state) : () => undefined;
  const heartbeats = new Heartbeats({
    link, session, telemetry, deliverer, runs, checkpoints, state, configuredMs: heartbeatMs, logger,
    onStopRequested: () => void stopOnce(true),
    cancel: (jobId, attempt) => cancelAttempt({ runs, prefetch, outbox: deliverer }, jobId, attempt),
  });
  heartbeats.start();
  // Orphans go before the first claim: their GPU memory would otherwise count against new work.
  await orphansReaped;
  const claiming = runClaimLoop({ link, session, capacity, telemetry, runs, outbox: deliverer, state, claimWaitMs: options.claimWaitMs ?? 20_000, idleMs: heartbeatMs, retry: options.retry, logger, beatNow: () => heartbeats.beatNow(), prefetch });
  const stopSuitePolling = startSuitePolling(suites, heartbeatMs, logger);
  if (options.pilot) stopWatchingLifetime = watchPilotLifetime({ lifetime: options.pilot, running: () => runs.size, state, stop: () => void stopOnce(true), logger });

  async function stop(graceful: boolean): Promise<void> {
    state.stopping = true;
    stopWatchingLifetime();
    stopController.abort();
    stopTelemetry();
    stopSuitePolling();
    suites.halt();
    state.wakeup.notify();
    await claiming;
    if (graceful) {
      // Heartbeats go on meanwhile, so the leases of jobs still winding down do not expire.
      await runs.stopAll('agent_stopping');
      // The worker stops serving its suites: their cleanups run before it says goodbye.
      await suites.cleanUpAll();
      heartbeats.stop();
      if (!(await deliverer.drain(options.drainMs ?? 10_000))) logger.warn('coordinator unreachable; unsent items stay in the spool', { items: deliverer.pending });
      try {
        await link.deregister(session.id);
      } catch (error) {
        logger.warn('deregistering failed', { error: String(error) });
      }
      deliverer.close();
    } else {
      heartbeats.stop();
      // Closed first: like a crash, nothing more reaches the spool, and the coordinator learns from expired leases.
      deliverer.close();
      await runs.killAll();
    }
    groups.close();
    logger.info('stopped', { worker_id: session.id, graceful });
  }

  return {
    get workerId() {
      return session.id;
    },
    get heartbeatIntervalMs() {
      return heartbeats.intervalMs;
    },
    stop: ({ graceful }) => {
      // A hard stop during a graceful one (a second Ctrl-C) kills what is still winding down.
      if (stopped && !graceful) {
        deliverer.close();
        void runs.killAll();
      }
      return stopOnce(graceful);
    },
    stopped: stoppedSignal,
  };
}
