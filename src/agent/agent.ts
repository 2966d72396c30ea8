import { ApiError, GantryClient, type ClaimedJob, type Worker } from '../shared';
import { Capacity, driverView } from './capacity';
import { deliverToCoordinator, isTransient, judgeDeliveryFailure } from './deliverToCoordinator';
import { createFinishBatcher } from './finishBatcher';
import { httpFetch } from './httpFetch';
import { detectResources } from './detectResources';
import { GpuTelemetry } from './gpu/gpuTelemetry';
import { JobRun } from './jobs/jobRun';
import type { SpawnJob } from './jobs/jobProcess';
import { spawnPipedJob } from './jobs/spawnPipedJob';
import { stderrLogger, type AgentLogger } from './logger';
import { backoffDelay, type BackoffOptions } from './spool/backoff';
import { Deliverer } from './spool/deliverer';
import { Spool } from './spool/spool';
import { AGENT_VERSION } from './version';
import { Wakeup } from './wakeup';

export interface AgentOptions {
  url: string;
  token: string;
  name?: string;
  tags?: string[];
  /** Jobs run at once at most; defaults to the number of CPUs. */
  maxJobs?: number;
  /** Unsent logs, metrics and results wait here across restarts. */
  spoolDir: string;
  cpus?: number;
  memoryMb?: number;
  /** Path of nvidia-smi; the GANTRY_NVIDIA_SMI environment variable overrides it. */
  nvidiaSmi?: string;
  heartbeatMs?: number;
  telemetryMs?: number;
  /** Between SIGTERM and SIGKILL when a job is cancelled, times out or the agent stops. */
  killGraceMs?: number;
  /** How long one claim long-poll waits on the coordinator for a job. */
  claimWaitMs?: number;
  /** How long a graceful stop waits for unsent items before leaving them in the spool. */
  drainMs?: number;
  retry?: BackoffOptions;
  logger?: AgentLogger;
  spawnJob?: SpawnJob;
}

export interface Agent {
  /** Changes if the coordinator forgot this worker and it registered again. */
  readonly workerId: string;
  /** graceful: stop claiming, SIGTERM running jobs, report them, deliver what is spooled, deregister. Otherwise SIGKILL the jobs and leave the spool for the next run. */
  stop(options: { graceful: boolean }): Promise<void>;
  /** Settles once the agent has stopped, whether by `stop()` or because an admin asked it to. */
  readonly stopped: Promise<void>;
}

const attemptKey = (jobId: number, attempt: number): string => `${jobId}/${attempt}`;

/** How long a finished job's slot waits for its result to reach the coordinator before it is used again anyway. */
const SETTLE_WAIT_MS = 2_000;

/** The client's fetch, cut short when the agent stops, so a pending claim long-poll does not hold the stop up. */
function abortableFetch(stopSignal: AbortSignal): typeof fetch {
  return (input, init) => {
    const controller = new AbortController();
    // Node 18 hosts lack AbortSignal.any, so the two signals are joined by hand.
    const abort = (): void => controller.abort();
    if (stopSignal.aborted || init?.signal?.aborted) abort();
    stopSignal.addEventListener('abort', abort, { once: true });
    init?.signal?.addEventListener('abort', abort, { once: true });
    return httpFetch(input, { ...init, signal: controller.signal }).finally(() => stopSignal.removeEventListener('abort', abort));
  };
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const logger = options.logger ?? stderrLogger();
  const heartbeatMs = options.heartbeatMs ?? 3000;
  let heartbeatInterval = heartbeatMs;
  let stopped: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stoppedSignal = new Promise<void>((resolve) => (markStopped = resolve));
  const stopOnce = (graceful: boolean): Promise<void> => (stopped ??= stop(graceful).finally(markStopped));
  const telemetryMs = options.telemetryMs ?? heartbeatMs;
  const claimWaitMs = options.claimWaitMs ?? 20_000;
  const nvidiaSmi = process.env.GANTRY_NVIDIA_SMI || options.nvidiaSmi || 'nvidia-smi';
  const stopController = new AbortController();
  const client = new GantryClient({ baseUrl: options.url, token: options.token, fetch: httpFetch });
  const finishBatched = createFinishBatcher(client);
  const claimClient = new GantryClient({ baseUrl: options.url, token: options.token, fetch: abortableFetch(stopController.signal) });

  const host = await detectResources(nvidiaSmi, logger);
  const cpus = options.cpus ?? host.cpus;
  const memoryMb = options.memoryMb ?? host.memoryMb;
  const capacity = new Capacity(options.maxJobs ?? Math.max(1, host.cpus));
  const runs = new Map<string, JobRun>();
  const telemetry = new GpuTelemetry(nvidiaSmi, () => [...runs.values()].flatMap((r) => (r.pid ? [{ job_id: r.jobId, attempt: r.attempt, pid: r.pid }] : [])), logger);
  const deliverer = new Deliverer({
    spool: Spool.open(options.spoolDir),
    send: (item) => deliverToCoordinator(client, item, finishBatched),
    judgeFailure: judgeDeliveryFailure,
    backoff: options.retry,
    logger,
  });
  if (deliverer.pending > 0) logger.info('delivering what an earlier run left in the spool', { items: deliverer.pending });

  const wakeup = new Wakeup();
  let stopping = false;
  let draining = false;

  async function register(): Promise<Worker> {
    for (let failures = 1; ; failures++) {
      try {
        return await client.call('registerWorker', {
          body: {
            name: options.name ?? host.hostname,
            hostname: host.hostname,
            cpus,
            memory_mb: memoryMb,
            gpus: host.gpus,
            tags: options.tags ?? [],
            version: AGENT_VERSION,
            running: [...runs.values()].map((r) => ({ job_id: r.jobId, attempt: r.attempt })),
          },
        });
      } catch (error) {
        if (!isTransient(error) || stopping) throw error;
        const delay = backoffDelay(failures, options.retry);
        logger.warn('registration failed; will retry', { delay_ms: Math.round(delay), error: String(error) });
        await wakeup.wait(delay);
      }
    }
  }

  let worker = await register();
  logger.info('registered', { worker_id: worker.id, cpus, memory_mb: memoryMb, gpus: host.gpus.length });
  let reregistering: Promise<void> | undefined;
  function reregister(): Promise<void> {
    reregistering ??= register()
      .then((w) => {
        worker = w;
        logger.info('registered again', { worker_id: w.id, running: runs.size });
      })
      .catch((error) => logger.error('registering again failed', { error: String(error) }))
      .finally(() => (reregistering = undefined));
    return reregistering;
  }
  const forgotten = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

  function startRun(claimed: ClaimedJob): void {
    const key = attemptKey(claimed.job.id, claimed.attempt);
    const run = new JobRun(claimed, { spawnJob: options.spawnJob ?? spawnPipedJob, outbox: deliverer, apiUrl: options.url, killGraceMs: options.killGraceMs ?? 10_000 });
    capacity.hold(key, claimed);
    runs.set(key, run);
    logger.info('job started', { job_id: claimed.job.id, attempt: claimed.attempt, gpus: claimed.cuda_visible_devices });
    run.start();
    void run.finished.then(async (result) => {
      runs.delete(key);
      logger.info('job finished', { job_id: claimed.job.id, attempt: claimed.attempt, ...result });
      // Claim again once the coordinator has the result: until then its books still count this job,
      // and a claim sent now would find the worker full and wait out a long-poll.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([deliverer.settled(claimed.job.id, claimed.attempt), new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_WAIT_MS)))]);
      clearTimeout(timer);
      capacity.release(key);
      wakeup.notify();
    });
  }

  async function heartbeat(): Promise<void> {
    try {
      const reply = await client.call('heartbeat', {
        params: { id: worker.id },
        body: { free: driverView(telemetry.driverFreeMb), gpu_samples: telemetry.samples, job_gpu_usage: telemetry.usage },
      });
      // A coordinator with short leases (tests, flaky links) needs beats well inside the TTL.
      heartbeatInterval = Math.min(heartbeatMs, Math.max(100, (reply.lease_ttl_s * 1000) / 3));
      if (deliverer.pending > 0) deliverer.nudge();
      for (const { job_id, attempt } of reply.cancel) runs.get(attemptKey(job_id, attempt))?.stop('cancelled');
      if (reply.stop && !stopping) {
        logger.info('an admin asked this worker to stop; handing its jobs back');
        void stopOnce(true);
        return;
      }
      if (reply.state === 'offline' && !stopping) await reregister();
      const wasDraining = draining;
      draining = reply.state === 'draining';
      if (wasDraining && !draining) wakeup.notify();
    } catch (error) {
      if (forgotten(error) && !stopping) await reregister();
      else logger.warn('heartbeat failed', { error: String(error) });
    }
  }

  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeatsOn = true;
  const scheduleHeartbeat = (delay: number): void => {
    heartbeatTimer = setTimeout(() => void heartbeat().finally(() => heartbeatsOn && scheduleHeartbeat(heartbeatInterval)), delay);
  };
  let telemetryTimer: NodeJS.Timeout | undefined;
  const scheduleTelemetry = (): void => {
    telemetryTimer = setTimeout(() => void telemetry.sample().finally(() => !stopping && scheduleTelemetry()), telemetryMs);
  };
  if (host.gpus.length > 0) {
    await telemetry.sample();
    scheduleTelemetry();
  }
  // The first beat goes out at once: it learns the lease TTL and brings the first GPU samples.
  scheduleHeartbeat(0);

  async function claimLoop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      if (draining || capacity.slots === 0) {
        await wakeup.wait(heartbeatMs);
        continue;
      }
      try {
        const { jobs } = await claimClient.call(
          'claim',
          { params: { id: worker.id }, body: { max: Math.min(capacity.slots, 1000), free: driverView(telemetry.driverFreeMb), wait_ms: claimWaitMs } },
          claimWaitMs + 15_000,
        );
        failures = 0;
        if (stopping) break;
        jobs.forEach(startRun);
      } catch (error) {
        if (stopping) break;
        if (forgotten(error)) {
          await reregister();
          continue;
        }
        failures++;
        const delay = backoffDelay(failures, options.retry);
        logger.warn('claim failed; will retry', { delay_ms: Math.round(delay), error: String(error) });
        await wakeup.wait(delay);
      }
    }
  }
  const claiming = claimLoop();

  async function stop(graceful: boolean): Promise<void> {
    stopping = true;
    stopController.abort();
    clearTimeout(telemetryTimer);
    wakeup.notify();
    await claiming;
    const finishing = [...runs.values()].map((r) => r.finished);
    if (graceful) {
      // Heartbeats go on meanwhile, so the leases of jobs still winding down do not expire.
      for (const run of runs.values()) run.stop('agent_stopping');
      await Promise.all(finishing);
      heartbeatsOn = false;
      clearTimeout(heartbeatTimer);
      if (!(await deliverer.drain(options.drainMs ?? 10_000))) logger.warn('coordinator unreachable; unsent items stay in the spool', { items: deliverer.pending });
      try {
        await client.call('deregisterWorker', { params: { id: worker.id } });
      } catch (error) {
        logger.warn('deregistering failed', { error: String(error) });
      }
      deliverer.close();
    } else {
      heartbeatsOn = false;
      clearTimeout(heartbeatTimer);
      // Closed first: like a crash, nothing more reaches the spool, and the coordinator learns from expired leases.
      deliverer.close();
      for (const run of runs.values()) run.kill();
      await Promise.all(finishing);
    }
    logger.info('stopped', { worker_id: worker.id, graceful });
  }

  return {
    get workerId() {
      return worker.id;
    },
    stop: ({ graceful }) => {
      // A hard stop during a graceful one (a second Ctrl-C) kills what is still winding down.
      if (stopped && !graceful) {
        deliverer.close();
        for (const run of runs.values()) run.kill();
      }
      return stopOnce(graceful);
    },
    stopped: stoppedSignal,
  };
}
