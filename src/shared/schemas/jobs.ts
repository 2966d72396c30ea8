import { z } from 'zod';
import { AttemptOutcome, JobState } from '../states';
import { InputRef, JobInput, OutputGlob } from './artifacts';

/** Limits that keep a typo (or a hostile client) from storing absurd values. */
export const LIMITS = {
  cpus: 4096,
  gpus: 64,
  memoryMb: 64 * 1024 * 1024,
  gpuMemoryMb: 1024 * 1024,
  priority: 1_000_000,
  maxAttempts: 100,
  maxLostAttempts: 100,
  retryDelayS: 7 * 24 * 3600,
  timeoutS: 90 * 24 * 3600,
  argvItems: 4096,
  argLength: 64 * 1024,
  nameLength: 500,
  tags: 64,
  tagLength: 100,
  envEntries: 1000,
  dependencies: 10_000,
  batchSize: 100_000,
} as const;

const Tag = z.string().min(1).max(LIMITS.tagLength).regex(/^[\w.:@/+-]+$/, 'tags are letters, digits and . _ : @ / + -');

export const Requirements = z.strictObject({
  cpus: z.number().min(0).max(LIMITS.cpus).default(1),
  gpus: z.number().int().min(0).max(LIMITS.gpus).default(0),
  memory_mb: z.number().int().min(0).max(LIMITS.memoryMb).default(0),
  /** Per GPU. Absent: the job takes whole GPUs. Present: it may share a GPU while declared memory fits. */
  gpu_memory_mb: z.number().int().min(1).max(LIMITS.gpuMemoryMb).nullable().default(null),
  /** Substrings matched case-insensitively against the GPU model name; empty means any model. */
  gpu_models: z.array(z.string().min(1).max(200)).max(32).default([]),
  tags: z.array(Tag).max(LIMITS.tags).default([]),
});
export type Requirements = z.infer<typeof Requirements>;
export type RequirementsInput = z.input<typeof Requirements>;

/**
 * Text that reaches exec, the environment or the file system: the OS cannot pass a NUL byte there,
 * so it is refused at submit, naming the field, rather than failing every attempt on the worker.
 */
export const ExecText = (max: number): z.ZodString => z.string().max(max).refine((text) => !text.includes('\0'), 'must not contain a NUL byte (\\0)');

const Arg = ExecText(LIMITS.argLength);
/** argv array (exec'd directly) or a shell string run by `sh -c` on purpose. */
export const Command = z.union([
  z
    .array(Arg)
    .min(1, 'command must not be empty')
    .max(LIMITS.argvItems)
    .refine((argv) => argv.length === 0 || argv[0].trim() !== '', { message: 'the program (the first word of the command) must not be empty', path: [0] }),
  z.strictObject({ shell: ExecText(LIMITS.argLength).min(1, 'command must not be empty').refine((text) => text.trim() !== '', 'command must not be blank') }),
]);
export type Command = z.infer<typeof Command>;

export const ParamValue = z.union([ExecText(LIMITS.argLength), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

const priorityBound = `priority is a whole number from ${-LIMITS.priority} to ${LIMITS.priority}`;
export const Priority = z.number(priorityBound).int(priorityBound).min(-LIMITS.priority, priorityBound).max(LIMITS.priority, priorityBound);

const EnvName = z.string().min(1).max(256).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _');

/** A dependency is an existing job id, or `{ref}` naming another job of the same batch. */
export const DependencyRef = z.union([z.number().int().positive(), z.strictObject({ ref: z.string().min(1).max(200) })]);
export type DependencyRef = z.infer<typeof DependencyRef>;

/** Signals a job may ask to be warned with before it is preempted. */
export const CheckpointSignal = z.enum(['SIGUSR1', 'SIGUSR2', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);
export type CheckpointSignal = z.infer<typeof CheckpointSignal>;
const GraceSeconds = z.number().int().min(0).max(LIMITS.timeoutS);
const MinRuntimeSeconds = z.number().int().min(0).max(LIMITS.timeoutS);

/** What a job gets when neither it nor its project says. */
export const PREEMPTION_DEFAULTS = { preemptible: false, checkpoint_signal: 'SIGUSR1', grace_s: 120, min_runtime_s: 600 } as const satisfies {
  preemptible: boolean;
  checkpoint_signal: CheckpointSignal;
  grace_s: number;
  min_runtime_s: number;
};

export const JobSubmit = z.strictObject({
  project: z.string().min(1).max(200).default('default'),
  /** Client-side key so other jobs of the same batch can depend on this one. */
  ref: z.string().min(1).max(200).optional(),
  name: ExecText(LIMITS.nameLength).min(1).optional(),
  command: Command,
  cwd: ExecText(4096).nullable().default(null),
  /**
   * The machine `cwd` is a path on (see machineName), when it is the submitter's own directory: a
   * worker on that machine runs there, a worker elsewhere in a scratch directory of its own.
   * Null: `cwd` is meant for whichever worker runs the job (a shared filesystem).
   */
  cwd_machine: ExecText(600).nullable().default(null),
  env: z.record(EnvName, ExecText(LIMITS.argLength)).default({})
    .refine((e) => Object.keys(e).length <= LIMITS.envEntries, `at most ${LIMITS.envEntries} environment entries`),
  /** Env names whose values are secret although their names do not say so (see SECRET_ENV_NAME): shown redacted to read tokens. */
  secret_env: z.array(EnvName).max(LIMITS.envEntries).default([]),
  params: z.record(z.string().max(200), ParamValue).default({}),
  /** Higher runs first. Absent: the suite's priority for a job of a suite, else 0; an explicit 0 stays 0. */
  priority: Priority.optional(),
  requirements: Requirements.default(Requirements.parse({})),
  depends_on: z.array(DependencyRef).max(LIMITS.dependencies).default([]),
  max_attempts: z.number().int().min(1).max(LIMITS.maxAttempts).default(1),
  /** Attempts lost to infrastructure (lease expired, worker gone, coordinator crash) or handed back re-queue without spending max_attempts, this many times. */
  max_lost_attempts: z.number().int().min(0).max(LIMITS.maxLostAttempts).default(3),
  timeout_s: z.number().int().min(1).max(LIMITS.timeoutS).nullable().default(null),
  /** Seconds a failed attempt waits before the job is claimable again. */
  retry_delay_s: z.number().int().min(0).max(LIMITS.retryDelayS).default(0),
  /** Doubles the delay after each counted failure (retry_delay_s, 2×, 4×…, capped at LIMITS.retryDelayS). */
  retry_backoff: z.boolean().default(false),
  /**
   * May be stopped (checkpoint signal, grace, SIGTERM, SIGKILL) for a queued job of strictly higher priority; it re-queues without spending an attempt.
   * These four, when absent, come from the project's defaults, else PREEMPTION_DEFAULTS.
   */
  preemptible: z.boolean().optional(),
  checkpoint_signal: CheckpointSignal.optional(),
  /** Seconds between the checkpoint signal and SIGTERM. */
  grace_s: GraceSeconds.optional(),
  /** Seconds an attempt runs before it may be preempted, so nothing thrashes. */
  min_runtime_s: MinRuntimeSeconds.optional(),
  /** Globs of files, relative to the job's directory, that the agent uploads as artifacts when the job ends. */
  outputs: z.array(OutputGlob).max(100).default([]),
  /** The open suite (name or id) the job joins: its tags join the requirements, its hooks run on the worker first. */
  suite: z.string().min(1).max(200).nullable().default(null),
  /** Artifacts, models, datasets or uploaded files staged into the job's directory before it starts (archives extracted). */
  inputs: z.array(InputRef).max(100).default([]),
  /** Leave staged inputs in the job's directory after the attempt instead of removing them. */
  keep_inputs: z.boolean().default(false),
  /**
   * A packed working directory (`POST /api/v1/workdirs` returns it; any stored tar or zip will do):
   * on whichever worker claims the job, it is extracted once per worker and each attempt runs in
   * a directory of its own holding its files. Leave cwd out. Pinned as the last of the job's inputs.
   */
  sync: InputRef.nullable().default(null),
});
export type JobSubmit = z.infer<typeof JobSubmit>;
export type JobSubmitInput = z.input<typeof JobSubmit>;

export const Job = z.object({
  id: z.number().int(),
  project: z.string(),
  name: z.string(),
  command: Command,
  cwd: z.string().nullable(),
  /** Optional on the wire for coordinators from before it existed. */
  cwd_machine: z.string().nullable().optional(),
  env: z.record(z.string(), z.string()),
  /** Optional on the wire for coordinators from before it existed. */
  secret_env: z.array(z.string()).optional(),
  params: z.record(z.string(), ParamValue),
  priority: z.number().int(),
  requirements: Requirements,
  depends_on: z.array(z.number().int()),
  max_attempts: z.number().int(),
  max_lost_attempts: z.number().int(),
  timeout_s: z.number().int().nullable(),
  retry_delay_s: z.number().int(),
  retry_backoff: z.boolean(),
  /** Optional on the wire for coordinators from before preemption. */
  preemptible: z.boolean().optional(),
  checkpoint_signal: CheckpointSignal.optional(),
  grace_s: z.number().int().optional(),
  min_runtime_s: z.number().int().optional(),
  /** Attempts since the last retry stopped for a higher-priority job; they spend nothing. */
  preempted_attempts: z.number().int().optional(),
  /** Optional on the wire for coordinators from before artifacts. */
  outputs: z.array(z.string()).optional(),
  /** The suite the job belongs to; optional on the wire for coordinators from before suites. */
  suite_id: z.number().int().nullable().optional(),
  suite: z.string().nullable().optional(),
  /** Optional on the wire for coordinators from before artifacts: inputs pinned to their content at submit. */
  inputs: z.array(JobInput).optional(),
  keep_inputs: z.boolean().optional(),
  state: JobState,
  /** Number of the latest attempt ever started (every run counts, lost or not). */
  attempt: z.number().int(),
  /** Attempts since the last retry that spent the budget: compare with max_attempts. */
  counted_attempts: z.number().int(),
  /** Attempts since the last retry lost to infrastructure or handed back: compare with max_lost_attempts. */
  lost_attempts: z.number().int(),
  /** A queued job waiting out its retry delay is not claimed before this time (ms since the epoch). */
  retry_at: z.number().nullable(),
  worker_id: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  error: z.string().nullable(),
  created_at: z.number(),
  started_at: z.number().nullable(),
  finished_at: z.number().nullable(),
  /** The sweep that made this job (`GET /sweeps/:id/metrics` compares its jobs); optional for coordinators from before sweeps were kept. */
  sweep_id: z.number().int().nullable().optional(),
});
export type Job = z.infer<typeof Job>;

export const Attempt = z.object({
  job_id: z.number().int(),
  attempt: z.number().int(),
  worker_id: z.string(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  lease_expires_at: z.number().nullable(),
  outcome: AttemptOutcome.nullable(),
  exit_code: z.number().int().nullable(),
  error: z.string().nullable(),
  gpus: z.array(z.object({ index: z.number().int(), memory_mb: z.number().nullable() })),
  cpus: z.number(),
  memory_mb: z.number(),
  log_bytes: z.number().int(),
  gpu_memory_used_mb: z.number().nullable(),
  /** When the worker was told to checkpoint and stop this attempt (preemption), else null. */
  preempt_requested_at: z.number().nullable().optional(),
  /** The waiting job this attempt was preempted for; null when an admin preempted it by hand. */
  preempted_by: z.number().int().nullable().optional(),
});
export type Attempt = z.infer<typeof Attempt>;

export const JobSort = z.enum(['priority', 'id', '-id']);
export type JobSort = z.infer<typeof JobSort>;

export const JobFilter = z.strictObject({
  project: z.string().max(200).optional(),
  state: z.union([JobState, z.array(JobState)]).optional(),
  tag: z.string().max(LIMITS.tagLength).optional(),
  /** Case-insensitive substring of the name or the command. */
  text: z.string().max(500).optional(),
  worker_id: z.string().max(200).optional(),
  /** These jobs only (e.g. `gantry wait` on a sweep): repeated `ids=1&ids=2` or `ids=1,2` in a query. */
  ids: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(z.coerce.number().int().positive()).min(1).max(1000))
    .optional(),
});
export type JobFilter = z.infer<typeof JobFilter>;

export const JobListQuery = JobFilter.extend({
  /** `-id` (newest first, the default), `id`, or `priority` (the order claims take). */
  sort: JobSort.default('-id'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from the previous page's `next_cursor`. */
  cursor: z.string().max(200).optional(),
});
export type JobListQuery = z.input<typeof JobListQuery>;

export const JobPage = z.object({ jobs: z.array(Job), next_cursor: z.string().nullable() });
export type JobPage = z.infer<typeof JobPage>;

export const JobCounts = z.object({
  total: z.number().int(),
  /** Queued jobs (of those counted) whose requirements fit no worker ever seen, so they can never run as things stand. */
  unrunnable: z.number().int(),
}).extend(
  Object.fromEntries(JobState.options.map((s) => [s, z.number().int()])) as Record<JobState, z.ZodNumber>,
);
export type JobCounts = z.infer<typeof JobCounts>;

/** A project's defaults for its jobs' preemption fields; null: the built-in default (PREEMPTION_DEFAULTS). */
export const ProjectPreemption = z.strictObject({
  preemptible: z.boolean().nullable(),
  checkpoint_signal: CheckpointSignal.nullable(),
  grace_s: GraceSeconds.nullable(),
  min_runtime_s: MinRuntimeSeconds.nullable(),
});
export type ProjectPreemption = z.infer<typeof ProjectPreemption>;

export const Project = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  created_at: z.number(),
  /** Optional on the wire for coordinators from before project defaults. */
  preemption: ProjectPreemption.optional(),
  /** Attempts of this project's jobs preempted so far (optional on the wire, as above). */
  preemptions: z.number().int().optional(),
});
export type Project = z.infer<typeof Project>;

export const ProjectCreate = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[\w.-]+$/, 'project names are letters, digits and . _ -'),
  description: z.string().max(10_000).default(''),
  preemption: ProjectPreemption.partial().optional(),
});
export type ProjectCreateInput = z.input<typeof ProjectCreate>;

/** Changes to a project: fields absent stay as they are; a preemption field set to null goes back to the built-in default. */
export const ProjectUpdate = z.strictObject({
  description: z.string().max(10_000).optional(),
  preemption: ProjectPreemption.partial().optional(),
});
export type ProjectUpdateInput = z.input<typeof ProjectUpdate>;
