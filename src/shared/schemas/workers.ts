import { z } from 'zod';
import { JobState, WorkerState } from '../states';
import { CheckpointSignal, Job } from './jobs';
import { ClaimedSuite } from './suites';

/** One GPU as a worker reports it (from nvidia-smi). */
export const GpuDevice = z.strictObject({
  index: z.number().int().min(0).max(1024),
  uuid: z.string().max(200).nullable().default(null),
  model: z.string().max(200),
  memory_total_mb: z.number().min(0),
  /** Free memory as the driver sees it; null where unknown ([N/A], MIG parents). */
  memory_free_mb: z.number().min(0).nullable().default(null),
});
export type GpuDevice = z.infer<typeof GpuDevice>;

export const WorkerRegister = z.strictObject({
  name: z.string().min(1).max(200),
  hostname: z.string().max(255).default(''),
  cpus: z.number().min(0).max(100_000),
  memory_mb: z.number().int().min(0),
  gpus: z.array(GpuDevice).max(1024).default([]),
  tags: z.array(z.string().min(1).max(100)).max(64).default([]),
  version: z.string().max(100).default(''),
  /** Present when an agent re-registers after a restart: running attempts it still holds. */
  running: z.array(z.strictObject({ job_id: z.number().int(), attempt: z.number().int() })).default([]),
});
export type WorkerRegister = z.input<typeof WorkerRegister>;

/** Resources a worker has free right now, in its own view. */
export const FreeResources = z.strictObject({
  cpus: z.number().min(0).optional(),
  memory_mb: z.number().min(0).optional(),
  gpus: z.array(z.strictObject({ index: z.number().int(), memory_free_mb: z.number().min(0).nullable() })).optional(),
});
export type FreeResources = z.infer<typeof FreeResources>;

/** One nvidia-smi sample of one GPU. Null where the driver says [N/A]. */
export const GpuSample = z.strictObject({
  index: z.number().int().min(0),
  uuid: z.string().max(200).nullable().default(null),
  model: z.string().max(200).default(''),
  utilization_pct: z.number().nullable(),
  memory_used_mb: z.number().nullable(),
  memory_total_mb: z.number().nullable(),
  temperature_c: z.number().nullable(),
  power_w: z.number().nullable(),
  power_limit_w: z.number().nullable().default(null),
});
export type GpuSample = z.infer<typeof GpuSample>;
export type GpuSampleInput = z.input<typeof GpuSample>;

/** GPU memory a job's processes hold, attributed by the agent from `--query-compute-apps`. */
export const JobGpuUsage = z.strictObject({
  job_id: z.number().int(),
  attempt: z.number().int(),
  gpu_index: z.number().int(),
  memory_used_mb: z.number().min(0),
});
export type JobGpuUsage = z.infer<typeof JobGpuUsage>;

export const Heartbeat = z.strictObject({
  free: FreeResources.optional(),
  gpu_samples: z.array(GpuSample).max(1024).default([]),
  job_gpu_usage: z.array(JobGpuUsage).max(10_000).default([]),
  /** The agent's clock when it sent the beat (ms since the epoch): the health check compares it with the coordinator's. */
  agent_time: z.number().int().positive().optional(),
  /** Jobs the agent keeps a checkpoint directory for; the reply names those that ended for good. */
  checkpoint_jobs: z.array(z.number().int().positive()).max(10_000).default([]),
});
export type Heartbeat = z.input<typeof Heartbeat>;

export const HeartbeatReply = z.object({
  /** Attempts this worker runs that must stop (cancelled, or no longer this worker's). */
  cancel: z.array(z.object({ job_id: z.number().int(), attempt: z.number().int() })),
  lease_ttl_s: z.number(),
  /** An admin asked this agent to stop: it stops claiming, hands its jobs back and exits. */
  stop: z.boolean(),
  state: WorkerState,
  /** Attempts to checkpoint and stop for a higher-priority job: the signal, then SIGTERM after grace_s, then SIGKILL. Repeated each beat until the attempt ends. */
  preempt: z.array(z.object({ job_id: z.number().int(), attempt: z.number().int(), signal: CheckpointSignal, grace_s: z.number().int(), by: z.number().int().nullable() })).default([]),
  /** Of the beat's checkpoint_jobs, those that ended for good (succeeded, failed with no retry left, cancelled, blocked) or are gone: their checkpoint directories may go. */
  drop_checkpoints: z.array(z.number().int()).default([]),
});
export type HeartbeatReply = z.infer<typeof HeartbeatReply>;

export const ClaimRequest = z.strictObject({
  max: z.number().int().min(1).max(1000).default(1),
  free: FreeResources.optional(),
  /** Long-poll: wait up to this long for a job when none is ready. */
  wait_ms: z.number().int().min(0).max(60_000).default(0),
});
export type ClaimRequest = z.input<typeof ClaimRequest>;

export const ClaimedJob = z.object({
  job: Job,
  attempt: z.number().int(),
  gpus: z.array(z.object({ index: z.number().int(), memory_mb: z.number().nullable() })),
  /** Comma-separated GPU indices for CUDA_VISIBLE_DEVICES; empty when the job has no GPU. */
  cuda_visible_devices: z.string(),
  lease_expires_at: z.number(),
  /** Job-scoped token (filled in by the server; the core leaves it empty). */
  token: z.string(),
  /** The job's suite with its hooks, which the worker runs once before its first job of it; absent for coordinators from before suites. */
  suite: ClaimedSuite.nullable().optional(),
});
export type ClaimedJob = z.infer<typeof ClaimedJob>;

export const ClaimReply = z.object({
  jobs: z.array(ClaimedJob),
  /** The long-poll ended early on news for this worker's heartbeat (a preemption to act on): the agent beats now instead of at its interval. */
  heartbeat_now: z.boolean().optional(),
});
export type ClaimReply = z.infer<typeof ClaimReply>;

export const Worker = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  cpus: z.number(),
  memory_mb: z.number(),
  gpus: z.array(GpuDevice),
  tags: z.array(z.string()),
  version: z.string(),
  state: WorkerState,
  /** Asked to stop; true until the agent has left (or registers again). */
  stop_requested: z.boolean(),
  registered_at: z.number(),
  last_seen_at: z.number(),
  running: z.number().int(),
  /** Set for a Slurm pilot (issue 15): its cluster, array task id and what squeue last said of it. */
  slurm: z.object({ cluster: z.string(), job_id: z.string(), state: z.string(), reason: z.string().nullable() }).optional(),
});
export type Worker = z.infer<typeof Worker>;

/** What registering returns: the worker and the credential that acts for it, and only it, from now on. */
export const RegisteredWorker = Worker.extend({
  /** `gwrk_…`: shown to the agent only; the coordinator keeps its hash. Re-registering with it keeps the worker id. */
  credential: z.string(),
  /** Where this coordinator offers the agent channel (a path, e.g. `/api/v1/workers/w-1/channel`); absent when it offers none. */
  channel: z.string().optional(),
});
export type RegisteredWorker = z.infer<typeof RegisteredWorker>;

export const FinishRequest = z.strictObject({
  attempt: z.number().int().min(1),
  outcome: z.enum(['succeeded', 'failed', 'cancelled', 'timed_out']),
  exit_code: z.number().int().nullable().default(null),
  error: z.string().max(10_000).nullable().default(null),
  /** The agent stopped this attempt because the coordinator preempted it: it re-queues, whatever the exit. */
  preempted: z.boolean().default(false),
});
export type FinishRequest = z.input<typeof FinishRequest>;

/** Several attempts' results in one request; each item is applied or refused on its own. */
export const FinishBatch = z.strictObject({
  results: z.array(FinishRequest.extend({ job_id: z.number().int().positive() })).min(1).max(1000),
  /**
   * Finish-and-claim: a worker credential may ask for its next jobs in the same request; they are
   * claimed in the same transaction, after the results freed their room (one round trip per job).
   */
  claim: z.strictObject({ max: z.number().int().min(1).max(1000), free: FreeResources.optional() }).optional(),
  /**
   * Each result carries the job's new `state` instead of the whole job: for callers that read no more
   * (the agent), it spares the coordinator reading and encoding every finished job. Without it, whole jobs.
   */
  brief: z.boolean().optional(),
});
export type FinishBatch = z.input<typeof FinishBatch>;

export const FinishOutcome = z.object({
  job_id: z.number().int(),
  job: Job.optional(),
  /** The job's state after this report, in place of `job` when the batch asked for `brief` results. */
  state: JobState.optional(),
  /** Present when this item was refused (e.g. `conflict` for a stale attempt); the others still apply. */
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).optional(),
});
export type FinishOutcome = z.infer<typeof FinishOutcome>;

/** The reply to a finish batch: each item's outcome and, when the batch asked to claim, the jobs claimed (or why none could be). */
export const FinishBatchReply = z.object({
  results: z.array(FinishOutcome),
  jobs: z.array(ClaimedJob).optional(),
  claim_error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).optional(),
});
export type FinishBatchReply = z.infer<typeof FinishBatchReply>;

/** Which of a job's output streams bytes came from. */
export const LogStreamName = z.enum(['stdout', 'stderr']);
export type LogStreamName = z.infer<typeof LogStreamName>;

export const LogChunk = z.strictObject({
  attempt: z.number().int().min(1),
  /** 0-based, consecutive per attempt; a repeated seq is ignored so retries are safe. */
  seq: z.number().int().min(0),
  /** Agents from before streams were kept send none: their output counts as stdout. */
  stream: LogStreamName.default('stdout'),
  /** base64 so bytes (ANSI, \r, invalid UTF-8) survive JSON unchanged. */
  data_b64: z.string().max(128 * 1024),
});
export type LogChunk = z.input<typeof LogChunk>;

export const MetricPoint = z.strictObject({
  step: z.number().int().min(0).nullable().default(null),
  /** The training epoch the point belongs to, for per-epoch queries (`?by=epoch`). */
  epoch: z.number().int().min(0).nullable().default(null),
  name: z.string().min(1).max(200),
  value: z.number(),
  at: z.number().optional(),
});
export type MetricPoint = z.input<typeof MetricPoint>;
