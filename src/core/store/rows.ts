import type { Attempt, CheckpointSignal, Job, JobInput, JobState, Requirements, Command, ParamValue } from '../../shared';

/** A jobs row as stored; JSON columns are text. */
export interface JobRow {
  id: number;
  project_id: number;
  name: string;
  command: string;
  cwd: string | null;
  cwd_machine: string | null;
  env: string;
  secret_env: string;
  outputs: string;
  inputs: string;
  keep_inputs: number;
  params: string;
  priority: number;
  requirements: string;
  depends_on: string;
  max_attempts: number;
  max_lost_attempts: number;
  timeout_s: number | null;
  retry_delay_s: number;
  retry_backoff: number;
  retry_at: number | null;
  shape_id: number | null;
  sweep_id: number | null;
  suite_id: number | null;
  state: JobState;
  attempt: number;
  retry_base: number;
  lost_attempts: number;
  preempted_attempts: number;
  preemptible: number;
  checkpoint_signal: CheckpointSignal;
  grace_s: number;
  min_runtime_s: number;
  has_dependents: number;
  worker_id: string | null;
  exit_code: number | null;
  error: string | null;
  created_at: number;
  queued_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  /** Flipped by the UPDATEs whose callers write their rows' tallies; the tallies trigger skips those rows (queue/talliesInCode.ts). */
  tally_mark: number;
}

/**
 * Every jobs column in one order: readers select these and build the row with jobRowFromValues
 * from better-sqlite3's raw arrays. A row object built in C++ (`.get()` of `SELECT *`) cost about
 * twice the raw read plus this literal, and a job row is read on every claim and every finish.
 */
export const JOB_COLUMNS = ['id', 'project_id', 'name', 'command', 'cwd', 'cwd_machine', 'env', 'secret_env', 'outputs', 'inputs', 'keep_inputs', 'params', 'priority', 'requirements', 'depends_on', 'max_attempts', 'max_lost_attempts', 'timeout_s', 'retry_delay_s', 'retry_backoff', 'retry_at', 'shape_id', 'sweep_id', 'suite_id', 'state', 'attempt', 'retry_base', 'lost_attempts', 'preempted_attempts', 'preemptible', 'checkpoint_signal', 'grace_s', 'min_runtime_s', 'has_dependents', 'worker_id', 'exit_code', 'error', 'created_at', 'queued_at', 'started_at', 'finished_at', 'tally_mark'] as const satisfies ReadonlyArray<keyof JobRow>;

/** `SELECT` list of JOB_COLUMNS, qualified with `alias.` when given. */
export function jobColumnList(alias = ''): string {
  return JOB_COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

/** A JobRow from the values of JOB_COLUMNS in their order (a raw statement's row). */
export function jobRowFromValues(values: unknown[]): JobRow {
  return {
    id: values[0] as number,
    project_id: values[1] as number,
    name: values[2] as string,
    command: values[3] as string,
    cwd: values[4] as string | null,
    cwd_machine: values[5] as string | null,
    env: values[6] as string,
    secret_env: values[7] as string,
    outputs: values[8] as string,
    inputs: values[9] as string,
    keep_inputs: values[10] as number,
    params: values[11] as string,
    priority: values[12] as number,
    requirements: values[13] as string,
    depends_on: values[14] as string,
    max_attempts: values[15] as number,
    max_lost_attempts: values[16] as number,
    timeout_s: values[17] as number | null,
    retry_delay_s: values[18] as number,
    retry_backoff: values[19] as number,
    retry_at: values[20] as number | null,
    shape_id: values[21] as number | null,
    sweep_id: values[22] as number | null,
    suite_id: values[23] as number | null,
    state: values[24] as JobState,
    attempt: values[25] as number,
    retry_base: values[26] as number,
    lost_attempts: values[27] as number,
    preempted_attempts: values[28] as number,
    preemptible: values[29] as number,
    checkpoint_signal: values[30] as CheckpointSignal,
    grace_s: values[31] as number,
    min_runtime_s: values[32] as number,
    has_dependents: values[33] as number,
    worker_id: values[34] as string | null,
    exit_code: values[35] as number | null,
    error: values[36] as string | null,
    created_at: values[37] as number,
    queued_at: values[38] as number | null,
    started_at: values[39] as number | null,
    finished_at: values[40] as number | null,
    tally_mark: values[41] as number,
  };
}

/** Attempts since the last retry that spent the max_attempts budget (lost, handed-back and preempted ones do not). */
export function countedAttempts(row: Pick<JobRow, 'attempt' | 'retry_base' | 'lost_attempts' | 'preempted_attempts'>): number {
  return row.attempt - row.retry_base - row.lost_attempts - row.preempted_attempts;
}

/**
 * JSON.parse of an array or object column, with the empty ones (most jobs' env, secret_env, outputs,
 * inputs, params and depends_on) made as literals: JSON.parse of '[]' cost as much as of a short
 * array, and toJob runs for every job a claim hands out or a listing shows (issue 19).
 */
function parseArray<T>(text: string): T[] {
  return text === '[]' ? [] : (JSON.parse(text) as T[]);
}

function parseObject<T extends object>(text: string): T {
  return text === '{}' ? ({} as T) : (JSON.parse(text) as T);
}

export function toJob(row: JobRow, project: string): Job {
  return {
    id: row.id,
    project,
    name: row.name,
    command: JSON.parse(row.command) as Command,
    cwd: row.cwd,
    cwd_machine: row.cwd_machine,
    env: parseObject<Record<string, string>>(row.env),
    secret_env: parseArray<string>(row.secret_env),
    outputs: parseArray<string>(row.outputs),
    inputs: parseArray<JobInput>(row.inputs),
    keep_inputs: row.keep_inputs === 1,
    params: parseObject<Record<string, ParamValue>>(row.params),
    priority: row.priority,
    requirements: JSON.parse(row.requirements) as Requirements,
    depends_on: parseArray<number>(row.depends_on),
    max_attempts: row.max_attempts,
    max_lost_attempts: row.max_lost_attempts,
    timeout_s: row.timeout_s,
    retry_delay_s: row.retry_delay_s,
    retry_backoff: row.retry_backoff === 1,
    preemptible: row.preemptible === 1,
    checkpoint_signal: row.checkpoint_signal,
    grace_s: row.grace_s,
    min_runtime_s: row.min_runtime_s,
    preempted_attempts: row.preempted_attempts,
    suite_id: row.suite_id,
    state: row.state,
    attempt: row.attempt,
    counted_attempts: countedAttempts(row),
    lost_attempts: row.lost_attempts,
    retry_at: row.retry_at,
    worker_id: row.worker_id,
    exit_code: row.exit_code,
    error: row.error,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    sweep_id: row.sweep_id ?? null,
  };
}

export interface AttemptRow {
  job_id: number;
  attempt: number;
  worker_id: string;
  started_at: number;
  finished_at: number | null;
  lease_expires_at: number | null;
  outcome: Attempt['outcome'];
  exit_code: number | null;
  error: string | null;
  gpus: string;
  cpus: number;
  memory_mb: number;
  log_seq: number;
  log_bytes: number;
  gpu_memory_used_mb: number | null;
  preempt_requested_at: number | null;
  preempted_by: number | null;
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    job_id: row.job_id,
    attempt: row.attempt,
    worker_id: row.worker_id,
    started_at: row.started_at,
    finished_at: row.finished_at,
    lease_expires_at: row.lease_expires_at,
    outcome: row.outcome,
    exit_code: row.exit_code,
    error: row.error,
    gpus: JSON.parse(row.gpus) as Attempt['gpus'],
    cpus: row.cpus,
    memory_mb: row.memory_mb,
    log_bytes: row.log_bytes,
    gpu_memory_used_mb: row.gpu_memory_used_mb,
    preempt_requested_at: row.preempt_requested_at,
    preempted_by: row.preempted_by,
  };
}
