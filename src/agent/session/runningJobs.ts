import type { ClaimedJob } from '../../shared';
import type { Capacity } from '../capacity';
import type { AgentLogger } from '../logger';
import { JobRun, type JobRunOptions, type StopReason } from '../jobs/jobRun';
import type { SpawnJob } from '../jobs/jobProcess';
import type { Placement } from '../jobs/workingDirectory';
import type { StageJobInputs } from '../artifacts/stageInputs';
import type { CollectOutputs } from '../artifacts/uploadOutputs';
import type { Deliverer } from '../spool/deliverer';
import type { ProcessGroupRecords } from '../state/processGroups';
import type { CorePinner } from '../pinning/corePinner';
import { pinnedSpawn } from '../pinning/corePinner';
import type { SuiteEnvironments } from '../suites/suiteEnvironments';

/** How long a finished job's slot waits for its result to reach the coordinator before it is used again anyway. */
const SETTLE_WAIT_MS = 2_000;

export const attemptKey = (jobId: number, attempt: number): string => `${jobId}/${attempt}`;

export interface RunningJobsOptions {
  capacity: Capacity;
  deliverer: Deliverer;
  groups: ProcessGroupRecords;
  spawnJob: SpawnJob;
  apiUrl: string;
  killGraceMs: number;
  inheritEnv: boolean;
  /** The part of the agent's environment jobs start from, taken once: reading process.env per job cost more than the rest of building it. */
  baseEnv?: Record<string, string>;
  placement: Placement;
  /** Makes per-job checkpoint directories (GANTRY_CHECKPOINT_DIR). */
  checkpoints: JobRunOptions['checkpoints'];
  /** Uploads each job's declared outputs when it ends. */
  collectOutputs?: CollectOutputs;
  /** The folder holding gantry_job.py, put on each job's PYTHONPATH. */
  pythonHelperDir?: string;
  /** Downloads and extracts each job's inputs before it starts. */
  stageInputs?: StageJobInputs;
  logger: AgentLogger;
  /** A slot is free again: the claim loop may claim. */
  onSlotFree: () => void;
  /** Suites set up on this worker: a job of a suite starts once its setup has run here. */
  suites?: SuiteEnvironments;
  /** `--pin-cpus`: each job runs on cores of its own. */
  pinner?: CorePinner;
}

/** The attempts this agent runs: starts each, records its process group, and frees its slot once its result is in. */
export class RunningJobs {
  private readonly runs = new Map<string, JobRun>();
  /** Jobs waiting for their suite's setup on this worker; they hold their slot meanwhile. */
  private readonly preparing = new Map<string, { claimed: ClaimedJob; settled: Promise<void>; cancelled: boolean }>();
  private stopping = false;

  constructor(private readonly options: RunningJobsOptions) {}

  get size(): number {
    return this.runs.size + this.preparing.size;
  }

  /** Attempts held, as registration reports them. */
  held(): Array<{ job_id: number; attempt: number }> {
    const waiting = [...this.preparing.values()].map(({ claimed }) => ({ job_id: claimed.job.id, attempt: claimed.attempt }));
    return [...[...this.runs.values()].map((run) => ({ job_id: run.jobId, attempt: run.attempt })), ...waiting];
  }

  /** Leaders of the running jobs' process groups, for attributing GPU memory. */
  processes(): Array<{ job_id: number; attempt: number; pid: number }> {
    return [...this.runs.values()].flatMap((run) => (run.pid ? [{ job_id: run.jobId, attempt: run.attempt, pid: run.pid }] : []));
  }

  /** Whether some attempt of this job runs here. */
  runsJob(jobId: number): boolean {
    for (const run of this.runs.values()) if (run.jobId === jobId) return true;
    return false;
  }

  get(jobId: number, attempt: number): JobRun | undefined {
    return this.runs.get(attemptKey(jobId, attempt));
  }

  start(claimed: ClaimedJob): void {
    const key = attemptKey(claimed.job.id, claimed.attempt);
    this.options.capacity.hold(key, claimed);
    const { suites } = this.options;
    if (!claimed.suite || !suites) return this.launch(key, claimed);
    // The slot is held while the suite is set up; a failed setup handed the attempt back, so it just leaves.
    const waiting = { claimed, settled: Promise.resolve(), cancelled: false };
    waiting.settled = suites.enter(claimed).then((ready) => {
      this.preparing.delete(key);
      if (ready && !this.stopping && !waiting.cancelled) return this.launch(key, claimed);
      if (ready) suites.leave(claimed.suite?.id as number);
      // Cancelled while its suite was set up: it never ran, and the attempt closes as cancelled.
      if (waiting.cancelled) this.options.deliverer.push({ kind: 'finish', job_id: claimed.job.id, attempt: claimed.attempt, outcome: 'cancelled', exit_code: null, error: null });
      this.options.capacity.release(key);
      this.options.onSlotFree();
    });
    this.preparing.set(key, waiting);
  }

  /**
   * The coordinator cancelled this attempt: a running job is stopped, one waiting for its suite's
   * setup will not start. False when this agent does not hold the attempt here.
   */
  cancel(jobId: number, attempt: number): boolean {
    const key = attemptKey(jobId, attempt);
    const run = this.runs.get(key);
    if (run) {
      run.stop('cancelled');
      return true;
    }
    const waiting = this.preparing.get(key);
    if (waiting) waiting.cancelled = true;
    return waiting !== undefined;
  }

  private launch(key: string, claimed: ClaimedJob): void {
    const { deliverer, groups, logger, pinner, suites } = this.options;
    const { id: jobId } = claimed.job;
    const cores = pinner?.take(claimed) ?? null;
    if (pinner && !cores) logger.warn('too few free cores to pin the job apart; it runs unpinned', { job_id: jobId, cpus: claimed.job.requirements.cpus });
    let spawnJob = suites ? suites.decorate(claimed, this.options.spawnJob) : this.options.spawnJob;
    if (cores) spawnJob = pinnedSpawn(spawnJob, cores);
    const run = new JobRun(claimed, { spawnJob, outbox: deliverer, apiUrl: this.options.apiUrl, killGraceMs: this.options.killGraceMs, inheritEnv: this.options.inheritEnv, baseEnv: this.options.baseEnv, placement: this.options.placement, checkpoints: this.options.checkpoints, collectOutputs: this.options.collectOutputs, pythonHelperDir: this.options.pythonHelperDir,
      stageInputs: this.options.stageInputs,
      // Recorded as soon as the process exists, which is after staging for a job with inputs.
      onSpawn: (pid) => groups.record(jobId, claimed.attempt, pid),
    });
    this.runs.set(key, run);
    logger.info('job started', { job_id: jobId, attempt: claimed.attempt, gpus: claimed.cuda_visible_devices, cpus: cores?.join(',') });
    run.start();
    void run.finished.then(async (result) => {
      this.runs.delete(key);
      groups.forget(jobId, claimed.attempt);
      if (!this.runsJob(jobId)) this.options.checkpoints?.release?.(jobId);
      if (cores) pinner?.release(cores);
      if (claimed.suite) suites?.leave(claimed.suite.id);
      const { capacity } = this.options;
      logger.info('job finished', { job_id: jobId, attempt: claimed.attempt, ...result });
      // Claim again once the coordinator has the result: until then its books still count this job,
      // and a claim sent now would find the worker full and wait out a long-poll.
      await deliverer.settled(jobId, claimed.attempt, SETTLE_WAIT_MS);
      capacity.release(key);
      this.options.onSlotFree();
    });
  }

  /** Stops every run for `reason` and resolves once all have ended. */
  async stopAll(reason: StopReason): Promise<void> {
    this.stopping = true;
    const finishing: Array<Promise<unknown>> = [...this.runs.values()].map((run) => run.finished);
    finishing.push(...[...this.preparing.values()].map((waiting) => waiting.settled));
    for (const run of this.runs.values()) run.stop(reason);
    await Promise.all(finishing);
  }

  /** SIGKILLs every run and resolves once all have ended. */
  async killAll(): Promise<void> {
    this.stopping = true;
    const finishing: Array<Promise<unknown>> = [...this.runs.values()].map((run) => run.finished);
    finishing.push(...[...this.preparing.values()].map((waiting) => waiting.settled));
    for (const run of this.runs.values()) run.kill();
    await Promise.all(finishing);
  }
}
