import { z } from 'zod';
import { InputRef, JobInput } from './artifacts';
import { Command, ExecText, LIMITS, Priority } from './jobs';
import { HOOK_LOG_LIMIT } from '../hookLog';

/** Suites group jobs that share an environment: setup and cleanup hooks run once per worker (issue 16). */
export const SuiteState = z.enum(['open', 'closed']);
export type SuiteState = z.infer<typeof SuiteState>;

export const HookName = z.enum(['setup', 'cleanup']);
export type HookName = z.infer<typeof HookName>;

const EnvName = z.string().min(1).max(256).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _');
const Tag = z.string().min(1).max(LIMITS.tagLength).regex(/^[\w.:@/+-]+$/, 'tags are letters, digits and . _ : @ / + -');

/** A hook: a command run on the worker in the suite's directory, with its own timeout and env. */
export const SuiteHook = z.strictObject({
  command: Command,
  timeout_s: z.number().int().min(1).max(LIMITS.timeoutS).default(600),
  env: z.record(EnvName, ExecText(LIMITS.argLength)).default({})
    .refine((e) => Object.keys(e).length <= LIMITS.envEntries, `at most ${LIMITS.envEntries} environment entries`),
});
export type SuiteHook = z.infer<typeof SuiteHook>;

export const SuiteCreate = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[A-Za-z_][\w.-]*$/, 'suite names start with a letter or _ and are letters, digits and . _ -'),
  project: z.string().min(1).max(200).default('default'),
  labels: z.record(z.string().min(1).max(200), z.string().max(1000)).default({})
    .refine((l) => Object.keys(l).length <= 100, 'at most 100 labels'),
  /** Only workers with every one of these tags serve the suite: they are added to each job's requirements. */
  tags: z.array(Tag).max(LIMITS.tags).default([]),
  /** The priority of the suite's jobs submitted without one (an explicit priority, 0 included, is kept). */
  priority: Priority.default(0),
  setup: SuiteHook.nullable().default(null),
  cleanup: SuiteHook.nullable().default(null),
  /** Closes by itself after this long with no new jobs and nothing waiting, queued or running; null: the coordinator's default (3 minutes). */
  idle_close_s: z.number().int().min(1).max(LIMITS.timeoutS).nullable().default(null),
  /** Artifacts, models, datasets or uploaded files staged into each worker's suite directory before its setup (archives extracted), as a job's inputs are into its directory. */
  inputs: z.array(InputRef).max(100).default([]),
});
export type SuiteCreate = z.input<typeof SuiteCreate>;

/** Counters kept by database triggers as jobs move, never recounted. */
export const SuiteCounts = z.object({
  total: z.number().int(),
  waiting: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  blocked: z.number().int(),
});
export type SuiteCounts = z.infer<typeof SuiteCounts>;

/** How one worker stands with a suite: set up, cleaned up, or refusing it after 3 failed setups. */
export const SuiteWorkerState = z.enum(['set_up', 'failed', 'banned', 'cleaned']);
export const SuiteWorker = z.object({
  worker_id: z.string(),
  worker_name: z.string(),
  state: SuiteWorkerState,
  setup_failures: z.number().int(),
  setups: z.number().int(),
  updated_at: z.number(),
});
export type SuiteWorker = z.infer<typeof SuiteWorker>;

export const Suite = z.object({
  id: z.number().int(),
  name: z.string(),
  project: z.string(),
  labels: z.record(z.string(), z.string()),
  tags: z.array(z.string()),
  priority: z.number().int(),
  setup: SuiteHook.nullable(),
  cleanup: SuiteHook.nullable(),
  state: SuiteState,
  idle_close_s: z.number().int().nullable(),
  /** Pinned at create to the content each names; optional on the wire for coordinators from before suite inputs. */
  inputs: z.array(JobInput).optional(),
  counts: SuiteCounts,
  workers: z.array(SuiteWorker),
  created_at: z.number(),
  last_activity_at: z.number(),
  closed_at: z.number().nullable(),
  /** `hand` (gantry suites close) or `idle` (nothing new for idle_close_s). */
  closed_by: z.enum(['hand', 'idle']).nullable(),
});
export type Suite = z.infer<typeof Suite>;

/** A suite closed by hand, with how many of its jobs that had not started (waiting or queued) the close cancelled. */
export const SuiteClosed = Suite.extend({ cancelled_jobs: z.number().int() });
export type SuiteClosed = z.infer<typeof SuiteClosed>;

export const SuiteListQuery = z.strictObject({
  state: SuiteState.optional(),
  project: z.string().max(200).optional(),
});
export type SuiteListQuery = z.input<typeof SuiteListQuery>;

export const HookOutcome = z.enum(['succeeded', 'failed', 'timed_out']);
export type HookOutcome = z.infer<typeof HookOutcome>;

/** One run of a hook on one worker; its output is kept like a job log. */
export const HookRun = z.object({
  id: z.number().int(),
  suite_id: z.number().int(),
  worker_id: z.string(),
  worker_name: z.string(),
  hook: HookName,
  outcome: HookOutcome,
  exit_code: z.number().int().nullable(),
  error: z.string().nullable(),
  started_at: z.number(),
  finished_at: z.number(),
  log_bytes: z.number().int(),
});
export type HookRun = z.infer<typeof HookRun>;

/** An agent reports a hook it ran; a failed setup hands back the attempts that waited on it. */
export const HookReport = z.strictObject({
  suite_id: z.number().int().positive(),
  hook: HookName,
  outcome: HookOutcome,
  exit_code: z.number().int().nullable().default(null),
  error: z.string().max(10_000).nullable().default(null),
  started_at: z.number(),
  finished_at: z.number(),
  log_b64: z.string().max(Math.ceil(HOOK_LOG_LIMIT / 3) * 4 + 4).default(''),
  /** Attempts of the suite's jobs this worker holds that waited on a setup that failed: they re-queue without spending an attempt. */
  handed_back: z.array(z.strictObject({ job_id: z.number().int().positive(), attempt: z.number().int().min(1) })).max(1000).default([]),
});
export type HookReport = z.input<typeof HookReport>;

/** `data` of the suite.* events (QueueEvent): each names its suite, so a page showing suites follows them. */
export const SuiteCreatedEvent = z.object({ suite_id: z.number().int(), name: z.string() });
export type SuiteCreatedEvent = z.infer<typeof SuiteCreatedEvent>;
export const SuiteClosedEvent = z.object({
  suite_id: z.number().int(),
  name: z.string(),
  by: z.enum(['hand', 'idle']),
  /** Jobs not yet started that a close by hand cancelled; absent for an idle close (it cannot meet any). */
  cancelled_jobs: z.number().int().optional(),
});
export type SuiteClosedEvent = z.infer<typeof SuiteClosedEvent>;
export const SuiteHookEvent = z.object({ suite_id: z.number().int(), hook: HookName, outcome: HookOutcome, run_id: z.number().int() });
export type SuiteHookEvent = z.infer<typeof SuiteHookEvent>;

/** What a worker should do about the suites it has set up: clean up these (closed, or no longer served by it). */
export const WorkerSuites = z.object({ release: z.array(z.number().int()) });
export type WorkerSuites = z.infer<typeof WorkerSuites>;

/** What the claim hands the agent with a job of a suite. */
export const ClaimedSuite = z.object({
  id: z.number().int(),
  name: z.string(),
  setup: SuiteHook.nullable(),
  cleanup: SuiteHook.nullable(),
  /** Staged into the suite's directory before the setup, each from `/api/v1/suites/:id/inputs/:position`; optional for coordinators from before suite inputs. */
  inputs: z.array(JobInput).optional(),
});
export type ClaimedSuite = z.infer<typeof ClaimedSuite>;
