import { join } from 'node:path';
import type { Coordinator, CoordinatorOptions } from './api';
import { CoreContext } from './context';
import { DB_FILE, openDatabase } from './store/database';
import { startBackgroundCheckpoint } from './store/backgroundCheckpoint';
import { toAttempt, type AttemptRow } from './store/rows';
import { submitJobs } from './queue/transitions/submitJobs';
import { claimJobs } from './queue/transitions/claimJobs';
import { claimNamedJob } from './queue/transitions/claimNamedJob';
import { finishAttempt, finishAttempts } from './queue/transitions/finishAttempt';
import { finishAndClaim } from './queue/transitions/finishAndClaim';
import { cancelJob } from './queue/transitions/cancelJob';
import { retryJob } from './queue/transitions/retryJob';
import { changePriority } from './queue/transitions/changePriority';
import { preemptForWaitingJobs, preemptJob } from './queue/transitions/preemptJobs';
import { clearPending, removeJob } from './queue/transitions/removeJobs';
import { graceOnOpen } from './queue/transitions/extendLeases';
import { startSweeper } from './maintenance/sweeper';
import { getJob, jobFromRow, requireJobRow } from './queue/jobRows';
import { countJobs, listJobs } from './queue/listJobs';
import { explainJob } from './scheduler/explain';
import { createProject, getProject, listProjects, updateProject } from './projects';
import { heartbeat, markWorkerOffline, registerWorker, requestWorkerStop, setWorkerState } from './workers/registerWorker';
import { requireWorkerRow, toWorker, type WorkerRow } from './workers/workerRows';
import { appendLog, logPath, readLog } from './logs/logFiles';
import { listMetrics, recordMetrics } from './telemetry/metrics';
import { gpuHistory, latestGpuSamples, recordGpuSamples } from './telemetry/gpuHistory';
import { createToken, listTokens, revokeToken, verifyToken } from './tokens/tokenStore';
import { createHostInventory } from './hosts/hostInventory';
import { createSlurmInventory } from './slurm/clusterInventory';
import { createKubernetesInventory } from './kubernetes/clusterInventory';
import { listAuthLog, recordAuthEvent } from './tokens/authLog';
import { attemptHolder, workerByCredential } from './workers/workerCredentials';
import type { JobRow } from './store/rows';
import { createOperations } from './operations/createOperations';
import { createMetricQueries } from './metrics/createMetricQueries';
import { createSweeps } from './sweeps/sweeps';
import type { Job, QueueEvent } from '../shared';
import { createArtifacts } from './artifacts/createArtifacts';
import { createSuites } from './suites/createSuites';
import { withSuiteHooks } from './suites/claimedSuites';

export const DEFAULTS = {
  leaseTtlMs: 30_000,
  restartGraceMs: 60_000,
  workerTimeoutMs: 45_000,
  reserveAfterMs: 10 * 60_000,
  sweepIntervalMs: 2_000,
  eventRetentionMs: 7 * 24 * 3600_000,
};

/** Opens the data dir's queue and returns the core API. Call `close()` to release the database. */
/**
 * Submits, then preempts at once for new jobs that fit nowhere, rather than at the next sweep: an
 * urgent job then waits out its victims' grace alone (the victims' worker hears of it at once too,
 * see claimWithLongPoll). With no preemptible job running this is one indexed lookup.
 */
function submitAndPreempt(ctx: CoreContext, specs: unknown[], batch: boolean): Job[] {
  const jobs = submitJobs(ctx, specs, batch);
  if (jobs.some((job) => job.state === 'queued')) preemptForWaitingJobs(ctx);
  return jobs;
}

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const db = openDatabase(options.dataDir);
  const checkpointer = options.checkpointInBackground ? startBackgroundCheckpoint(join(options.dataDir, DB_FILE), options.checkpointInBackground.resolveFrom) : null;
  const ctx = new CoreContext(db, options.dataDir, options.now ?? Date.now, {
    leaseTtlMs: options.leaseTtlMs ?? DEFAULTS.leaseTtlMs,
    restartGraceMs: options.restartGraceMs ?? DEFAULTS.restartGraceMs,
    workerTimeoutMs: options.workerTimeoutMs ?? DEFAULTS.workerTimeoutMs,
    reserveAfterMs: options.reserveAfterMs ?? DEFAULTS.reserveAfterMs,
    eventRetentionMs: options.eventRetentionMs ?? DEFAULTS.eventRetentionMs,
  });

  // Time while no coordinator ran (closed, crashed) must not count against leases or workers;
  // time it was suspended while open is caught by the sweeper's pause detection.
  graceOnOpen(ctx);
  const operations = createOperations(ctx, options);
  const artifacts = createArtifacts(ctx, options.artifacts);
  const suites = createSuites(ctx, options);
  const sweeper = startSweeper(ctx, options.sweepIntervalMs === undefined ? DEFAULTS.sweepIntervalMs : options.sweepIntervalMs, [operations.tick, artifacts.tick, () => void suites.closeIdle()]);

  return {
    dataDir: options.dataDir,
    operations,
    artifacts,
    suites,
    createProject: (input) => createProject(ctx, input),
    updateProject: (name, input) => updateProject(ctx, name, input),
    listProjects: () => listProjects(ctx),
    getProject: (name) => getProject(ctx, name),

    submit: (spec) => submitAndPreempt(ctx, [spec], false)[0],
    submitBatch: (specs) => submitAndPreempt(ctx, specs, true),
    getJob: (id) => getJob(ctx, id),
    listJobs: (query) => listJobs(ctx, query),
    countJobs: (filter) => countJobs(ctx, filter),
    cancel: (id, reason) => cancelJob(ctx, id, reason),
    retry: (id) => retryJob(ctx, id),
    remove: (id) => removeJob(ctx, id),
    clearPending: (project) => clearPending(ctx, project),
    setPriority: (id, priority) => changePriority(ctx, id, priority),
    preempt: (id) => preemptJob(ctx, id),
    explain: (id, viewer) => explainJob(ctx, id, viewer),
    dependents: (id) => {
      requireJobRow(ctx, id);
      return (ctx.sql('SELECT * FROM jobs WHERE id IN (SELECT job_id FROM job_deps WHERE depends_on = ?) ORDER BY id').all(id) as JobRow[]).map((row) => jobFromRow(ctx, row));
    },
    listAttempts: (jobId) => {
      requireJobRow(ctx, jobId);
      return (ctx.sql('SELECT * FROM attempts WHERE job_id = ? ORDER BY attempt').all(jobId) as AttemptRow[]).map(toAttempt);
    },

    registerWorker: (info, registrant) => registerWorker(ctx, info, registrant),
    workerByCredential: (secret) => workerByCredential(ctx, secret),
    credentialRevision: () => ctx.credentialRevision(),
    attemptHolder: (jobId, attempt) => attemptHolder(ctx, jobId, attempt),
    heartbeat: (workerId, beat) => heartbeat(ctx, workerId, beat ?? {}),
    claim: (workerId, claimOptions = {}) => withSuiteHooks(ctx, claimJobs(ctx, workerId, claimOptions.max ?? 1, claimOptions.free)),
    claimJob: (workerId, jobId) => claimNamedJob(ctx, workerId, jobId),
    finish: (jobId, request) => finishAttempt(ctx, jobId, request),
    finishMany: (batch) => finishAttempts(ctx, batch),
    finishAndClaim: (workerId, batch, claimOptions) => {
      const done = finishAndClaim(ctx, workerId, batch, { max: claimOptions.max ?? 1, free: claimOptions.free });
      withSuiteHooks(ctx, done.jobs);
      return done;
    },
    setWorkerState: (workerId, state) => setWorkerState(ctx, workerId, state),
    requestWorkerStop: (workerId) => requestWorkerStop(ctx, workerId),
    deregisterWorker: (workerId) => markWorkerOffline(ctx, workerId, 'the worker stopped and handed it back', true),
    getWorker: (id) => toWorker(ctx, requireWorkerRow(ctx, id)),
    listWorkers: () => (ctx.sql("SELECT * FROM workers ORDER BY state = 'offline', name").all() as WorkerRow[]).map((row) => toWorker(ctx, row)),
    sweep: () => sweeper.sweep(),
    resumed: () => sweeper.resumed(),

    appendLog: (jobId, attempt, seq, data, stream) => appendLog(ctx, jobId, attempt, seq, data, stream),
    readLog: (jobId, attempt, offset, length, stream) => readLog(ctx, jobId, attempt, offset, length, stream),
    logPath: (jobId, attempt) => logPath(ctx.dataDir, jobId, attempt),

    recordMetrics: (jobId, attempt, points) => recordMetrics(ctx, jobId, attempt, points),
    listMetrics: (jobId) => listMetrics(ctx, jobId),
    metricQueries: createMetricQueries(ctx),
    sweeps: createSweeps(ctx),

    recordGpuSamples: (workerId, samples) => recordGpuSamples(ctx, workerId, samples),
    gpuHistory: (workerId, sinceMs) => gpuHistory(ctx, workerId, sinceMs),
    latestGpuSamples: () => latestGpuSamples(ctx),

    createToken: (input, origin) => createToken(ctx, input, origin),
    verifyToken: (secret) => verifyToken(ctx, secret),
    listTokens: () => listTokens(ctx),
    revokeToken: (id, origin) => revokeToken(ctx, id, origin),
    recordAuthEvent: (event) => recordAuthEvent(ctx, event),
    authLog: (afterId = 0, limit = 1000) => listAuthLog(ctx, afterId, limit),

    hosts: createHostInventory(ctx),
    slurm: createSlurmInventory(ctx),
    kubernetes: createKubernetesInventory(ctx),

    eventsSince: (afterId, limit = 1000) => {
      // Inside inOneTransaction the events emitted so far are still buffered (context.ts).
      ctx.writePendingEvents();
      return (ctx.sql('SELECT id, at, type, job_id, worker_id, data FROM events WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Array<QueueEvent & { data: string }>).map(
        (e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }),
      );
    },
    lastEventId: () => {
      ctx.writePendingEvents();
      return (ctx.sql('SELECT COALESCE(MAX(id), 0) AS id FROM events').get() as { id: number }).id;
    },
    subscribe: (listener) => ctx.subscribe(listener),
    inOneTransaction: (fn) => ctx.tx(fn),

    close: () => {
      sweeper.stop();
      if (!db.open) return;
      checkpointer?.stop();
      db.pragma('optimize');
      db.close();
    },
  };
}
