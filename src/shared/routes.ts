import { z } from 'zod';
import { TokenScope } from './states';
import { HOOK_LOG_LIMIT } from './hookLog';
import {
  Attempt,
  Job,
  JobCounts,
  JobListQuery,
  JobPage,
  JobSubmit,
  Project,
  ProjectCreate,
  ProjectUpdate,
  LIMITS,
  ParamValue,
  ExecText,
  Priority,
} from './schemas/jobs';
import {
  ClaimReply,
  ClaimRequest,
  FinishBatch,
  FinishBatchReply,
  FinishRequest,
  Heartbeat,
  HeartbeatReply,
  LogChunk,
  LogStreamName,
  MetricPoint,
  RegisteredWorker,
  Worker,
  WorkerRegister,
} from './schemas/workers';
import { Explanation } from './schemas/explain';
import { GpuHistoryPoint, GpuNow } from './schemas/telemetry';
import { MetricsAnswer, MetricsQuery, Sweep, SweepListQuery, SweepMetrics, SweepMetricsQuery } from './schemas/metrics';
import { ChatLink, ChatLinkCode } from './schemas/chat';
import { QueueEvent } from './schemas/events';
import { IdleGpu, StatsQuery, StatsReport } from './schemas/stats';
import { MaintenanceRequest, MaintenanceTask } from './schemas/maintenance';
import { NotifyDelivery, NotifyLogQuery, NotifyRule, NotifyRuleCreate } from './schemas/notifications';
import { AuthLogEntry, AuthLogQuery, CreatedToken, TokenCreate, TokenRecord } from './schemas/tokens';
import { Host, HostAdd, HostDown, HostLog, HostLogQuery, HostName, HostSync, HostSyncResult, HostTrust, PackedWorkDir } from './schemas/hosts';
import { Artifact, ArtifactName, Dataset, DatasetUploadCreate, Model, ModelCreate, RegistryName, UploadChunkQuery, UploadCreate, UploadState } from './schemas/artifacts';
import { ClusterName, RemovedCluster, SlurmCluster, SlurmClusterAdd } from './schemas/slurm';
import { KubernetesCluster, KubernetesClusterAdd, KubernetesClusterName, RemovedKubernetesCluster } from './schemas/kubernetes';
import { HookReport, HookRun, Suite, SuiteClosed, SuiteCreate, SuiteListQuery, WorkerSuites } from './schemas/suites';

/**
 * The REST route table: the one source for the server's routes, the typed client,
 * the OpenAPI document and the auth tests that enumerate every route.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** fastify-style path, e.g. `/api/v1/jobs/:id`. */
  path: string;
  summary: string;
  /** Scopes allowed; admin is always allowed. Empty: no token needed (health only). */
  scopes: TokenScope[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Set for routes that return raw bytes instead of JSON. */
  raw?: boolean;
  /** Set for routes that answer CSV text instead of their JSON response when asked (`format=csv` or `Accept: text/csv`). */
  csv?: boolean;
  /** The body is raw bytes (application/octet-stream) handed to the handler as a stream, never buffered; `body` is then absent. */
  stream?: boolean;
  /** Largest request body in bytes, checked before it is read; default DEFAULT_BODY_LIMIT. */
  bodyLimit?: number;
  /** A worker enrolment token (scope worker without a worker credential) is accepted here; nowhere else. */
  enrol?: boolean;
  /**
   * What a worker credential must hold to call this route: the worker `:id`, the job `:id`'s
   * attempt named in the body, or each attempt of the body's `results`. Other callers are not affected.
   */
  holds?: 'worker' | 'attempt' | 'results';
}

/** Bodies of routes that do not say otherwise: enough for any one job spec. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Whole submissions (batches, sweeps) may carry many jobs. */
const SUBMISSION_BODY_LIMIT = 10 * 1024 * 1024;
/** The agent cuts logs into chunks of at most 64 KiB; base64 and JSON add about a third. */
export const LOG_CHUNK_BODY_LIMIT = 192 * 1024;

/**
 * A numeric id in a path: decimal digits only. A plain coercion would read `0x10` as job 16 and
 * `1e1` as job 10, acting on a job the caller never named.
 */
const PathId = z
  .union([z.number(), z.string().regex(/^\d+$/, 'expected a positive whole number in decimal digits')])
  .transform(Number)
  .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));
const IdParams = z.strictObject({ id: PathId });
const WorkerParams = z.strictObject({ id: z.string().min(1).max(200) });
const AttemptParams = z.strictObject({ id: PathId, attempt: PathId });
const NameParams = z.strictObject({ name: z.string().min(1).max(200) });
const Ok = z.object({ ok: z.literal(true) });
const HostParams = z.strictObject({ name: HostName });
const ClusterParams = z.strictObject({ name: ClusterName });
const KubernetesClusterParams = z.strictObject({ name: KubernetesClusterName });
/** `*` is the artifact's name, a path relative to the job's directory that may hold slashes. */
const ArtifactParams = z.strictObject({ id: PathId, '*': ArtifactName });
const UploadParams = z.strictObject({ id: PathId, upload: z.string().regex(/^[0-9a-f]{32}$/, 'an upload id is 32 hex digits') });
const ModelParams = z.strictObject({ name: RegistryName });
const ModelVersionParams = z.strictObject({ name: RegistryName, version: PathId });
const Removed = z.object({ removed: z.number().int() });
const DatasetParams = z.strictObject({ name: RegistryName });
const DatasetUploadParams = z.strictObject({ upload: z.string().regex(/^[0-9a-f]{32}$/, 'an upload id is 32 hex digits') });
const InputParams = z.strictObject({ id: PathId, position: z.union([z.number(), z.string().regex(/^\d+$/, 'expected a whole number')]).transform(Number).pipe(z.number().int().min(0).max(99)) });
/** Upload chunks stream to disk; the declared size and the store's limits bound them, not a body limit. */
const UNBOUNDED_STREAM = Number.MAX_SAFE_INTEGER;
/** A suite by id (digits) or by name (its open suite, else the newest closed one). */
const SuiteParams = z.strictObject({ suite: z.string().min(1).max(200) });
const HookRunParams = z.strictObject({ suite: z.string().min(1).max(200), run: PathId });
const SuiteInputParams = z.strictObject({ suite: z.string().min(1).max(200), position: z.union([z.number(), z.string().regex(/^\d+$/, 'expected a whole number')]).transform(Number).pipe(z.number().int().min(0).max(99)) });
export const RemovedHost = z.object({ removed: z.literal(true), cleaned: z.boolean(), warning: z.string().nullable() });

/** Template sweep: `{name}` placeholders in an argv template, expanded as grid (product) or zip. */
export const SweepRequest = JobSubmit.omit({ command: true, params: true, ref: true }).extend({
  /** argv template; each `{param}` inside an argument is replaced by the value, never re-split by a shell. */
  template: z
    .array(ExecText(LIMITS.argLength))
    .min(1, 'template must not be empty')
    .refine((argv) => argv.length === 0 || argv[0].trim() !== '', { message: 'the program (the first word of the template) must not be empty', path: [0] }),
  params: z.record(z.string().min(1).max(200), z.array(ParamValue).min(1).max(100_000)),
  mode: z.enum(['grid', 'zip']).default('grid'),
  dry_run: z.boolean().default(false),
});
export type SweepRequest = z.input<typeof SweepRequest>;
export const SweepResponse = z.object({
  count: z.number().int(),
  jobs: z.array(Job),
  preview: z.array(z.array(z.string())),
  /** The sweep the jobs belong to (`GET /sweeps/:id/metrics` compares them); null for a dry run. Optional for coordinators from before sweeps were kept. */
  sweep_id: z.number().int().nullable().optional(),
});

export const BatchRequest = z.strictObject({ jobs: z.array(z.unknown()).min(1).max(LIMITS.batchSize) });
export const LogQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  length: z.coerce.number().int().min(1).max(16 * 1024 * 1024).optional(),
  /** One stream's bytes alone; offset, length and the size headers then count that stream's bytes. Default: both, interleaved. */
  stream: LogStreamName.optional(),
});
export const MetricsRequest = z.strictObject({ attempt: z.number().int().min(1), points: z.array(MetricPoint).min(1).max(10_000) });
export const EventsQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(10_000).default(1000) });
export const GpuQuery = z.strictObject({ since: z.coerce.number().min(0).optional() });
export const Health = z.object({ ok: z.boolean(), version: z.string() });
/** What the console's Settings page shows about the coordinator it talks to. */
export const ServerInfo = z.object({
  version: z.string(),
  data_dir: z.string(),
  /** How secrets (SSH passphrases, pasted tokens) are kept at rest here. */
  secrets: z.object({ path: z.string(), protection: z.enum(['os-encryption', 'file-mode-only']) }),
  /** This coordinator's own worker, which `POST /workers/:id/start` can start again; null when it has none. */
  local_worker_id: z.string().nullable(),
});

const ALL: TokenScope[] = ['admin', 'read'];
/** What a linked chat's token may do (the chat bot's /status, /jobs, /why, /cancel). */
const CHAT: TokenScope[] = ['chat'];

export const ROUTES = {
  health: { method: 'GET', path: '/api/v1/health', summary: 'Liveness; the one route without a token', scopes: [], response: Health },
  serverInfo: { method: 'GET', path: '/api/v1/server', summary: 'Version, data dir and how secrets are kept (admins only: it names paths)', scopes: ['admin'], response: ServerInfo },

  listProjects: { method: 'GET', path: '/api/v1/projects', summary: 'List projects', scopes: ALL, response: z.array(Project) },
  createProject: { method: 'POST', path: '/api/v1/projects', summary: 'Create a project', scopes: ['admin'], body: ProjectCreate, response: Project },
  updateProject: { method: 'PATCH', path: '/api/v1/projects/:name', summary: "Change a project's description or its jobs' preemption defaults", scopes: ['admin'], params: NameParams, body: ProjectUpdate, response: Project },
  clearProject: { method: 'POST', path: '/api/v1/projects/:name/clear', summary: "Remove a project's waiting, queued and blocked jobs", scopes: ['admin'], params: NameParams, response: z.object({ removed: z.number().int() }) },

  submitJob: { method: 'POST', path: '/api/v1/jobs', summary: 'Submit one job', scopes: ['admin'], body: JobSubmit, response: Job },
  submitBatch: { method: 'POST', path: '/api/v1/jobs/batch', summary: 'Submit jobs in one transaction', scopes: ['admin'], bodyLimit: SUBMISSION_BODY_LIMIT, body: BatchRequest, response: z.object({ jobs: z.array(Job) }) },
  sweep: { method: 'POST', path: '/api/v1/jobs/sweep', summary: 'Expand a template over parameters and submit the jobs', scopes: ['admin'], bodyLimit: SUBMISSION_BODY_LIMIT, body: SweepRequest, response: SweepResponse },
  listJobs: { method: 'GET', path: '/api/v1/jobs', summary: 'List jobs with filters and keyset pagination', scopes: [...ALL, ...CHAT], query: JobListQuery, response: JobPage },
  countJobs: { method: 'GET', path: '/api/v1/jobs/counts', summary: 'Count jobs per state', scopes: [...ALL, ...CHAT], query: JobListQuery.pick({ project: true, tag: true, text: true, worker_id: true }), response: JobCounts },
  getJob: { method: 'GET', path: '/api/v1/jobs/:id', summary: 'Get one job', scopes: ['admin', 'read', 'job', ...CHAT], params: IdParams, response: Job },
  explainJob: { method: 'GET', path: '/api/v1/jobs/:id/explain', summary: 'Why a job is not running', scopes: [...ALL, ...CHAT], params: IdParams, response: Explanation },
  jobDependents: { method: 'GET', path: '/api/v1/jobs/:id/dependents', summary: 'Jobs that depend on this one', scopes: ALL, params: IdParams, response: z.array(Job) },
  cancelJob: { method: 'POST', path: '/api/v1/jobs/:id/cancel', summary: 'Cancel a job', scopes: ['admin', ...CHAT], params: IdParams, response: Job },
  preemptJob: { method: 'POST', path: '/api/v1/jobs/:id/preempt', summary: 'Checkpoint and stop a running job (signal, grace, SIGTERM, SIGKILL); it re-queues without spending an attempt', scopes: ['admin'], params: IdParams, response: Job },
  retryJob: { method: 'POST', path: '/api/v1/jobs/:id/retry', summary: 'Retry a failed, cancelled or blocked job', scopes: ['admin'], params: IdParams, response: Job },
  setPriority: { method: 'PATCH', path: '/api/v1/jobs/:id', summary: "Change a job's priority", scopes: ['admin'], params: IdParams, body: z.strictObject({ priority: Priority }), response: Job },
  removeJob: { method: 'DELETE', path: '/api/v1/jobs/:id', summary: 'Remove a job that is not running', scopes: ['admin'], params: IdParams, response: Ok },
  listAttempts: { method: 'GET', path: '/api/v1/jobs/:id/attempts', summary: "A job's attempts", scopes: ['admin', 'read', 'job'], params: IdParams, response: z.array(Attempt) },
  readLog: { method: 'GET', path: '/api/v1/jobs/:id/attempts/:attempt/log', summary: 'Read a range of an attempt log (raw bytes; X-Log-Size, X-Next-Offset, X-Log-Complete headers); ?stream=stdout|stderr for one stream alone', scopes: ['admin', 'read', 'job'], params: AttemptParams, query: LogQuery, response: z.string(), raw: true },
  downloadLog: { method: 'GET', path: '/api/v1/jobs/:id/attempts/:attempt/log/download', summary: 'Download a whole attempt log as a file', scopes: ['admin', 'read', 'job'], params: AttemptParams, response: z.string(), raw: true },
  appendLog: { method: 'POST', path: '/api/v1/jobs/:id/logs', summary: 'Append a log chunk (agents)', scopes: ['worker'], holds: 'attempt', bodyLimit: LOG_CHUNK_BODY_LIMIT, params: IdParams, body: LogChunk, response: z.object({ accepted: z.boolean(), next_seq: z.number().int() }) },
  finishJobs: { method: 'POST', path: '/api/v1/jobs/finish', summary: 'Report how several attempts ended in one transaction (agents; each item idempotent); with `claim`, also take the next jobs in that transaction', scopes: ['worker'], holds: 'results', bodyLimit: 512 * 1024, body: FinishBatch, response: FinishBatchReply },
  finishJob: { method: 'POST', path: '/api/v1/jobs/:id/finish', summary: 'Report how an attempt ended (agents; idempotent)', scopes: ['worker'], holds: 'attempt', bodyLimit: 32 * 1024, params: IdParams, body: FinishRequest, response: Job },
  recordMetrics: { method: 'POST', path: '/api/v1/jobs/:id/metrics', summary: 'Record metric points', scopes: ['worker', 'job'], holds: 'attempt', bodyLimit: 1024 * 1024, params: IdParams, body: MetricsRequest, response: z.object({ recorded: z.number().int() }) },
  listMetrics: {
    method: 'GET',
    path: '/api/v1/jobs/:id/metrics',
    summary: "A job's metric points: all, the latest per name (latest=1), per epoch (by=epoch), or downsampled for charts (points=N); CSV with format=csv or Accept: text/csv",
    scopes: ['admin', 'read', 'job'],
    params: IdParams,
    query: MetricsQuery,
    response: MetricsAnswer,
    csv: true,
  },
  listSweeps: { method: 'GET', path: '/api/v1/sweeps', summary: 'Sweeps, newest first: the jobs each sweep request expanded to', scopes: ALL, query: SweepListQuery, response: z.array(Sweep) },
  sweepMetrics: {
    method: 'GET',
    path: '/api/v1/sweeps/:id/metrics',
    summary: "One metric across a sweep's jobs: each job's line (downsampled), final value and params; CSV with format=csv or Accept: text/csv",
    scopes: ALL,
    params: IdParams,
    query: SweepMetricsQuery,
    response: SweepMetrics,
    csv: true,
  },
  listArtifacts: { method: 'GET', path: '/api/v1/jobs/:id/artifacts', summary: "A job's artifacts: name (relative to the job's directory), size and sha256", scopes: ['admin', 'read', 'job'], params: IdParams, response: z.array(Artifact) },
  downloadArtifact: { method: 'GET', path: '/api/v1/jobs/:id/artifacts/*', summary: "An artifact's bytes; a Range header gets 206 with that range", scopes: ['admin', 'read', 'job'], params: ArtifactParams, response: z.string(), raw: true },
  removeArtifact: { method: 'DELETE', path: '/api/v1/jobs/:id/artifacts/*', summary: 'Delete an artifact (its bytes go when nothing else refers to them)', scopes: ['admin'], params: ArtifactParams, response: Ok },
  createUpload: { method: 'POST', path: '/api/v1/jobs/:id/uploads', summary: 'Start or resume an artifact upload of {name, size, sha256}; content already stored completes at once', scopes: ['admin', 'job'], params: IdParams, body: UploadCreate, response: UploadState },
  getUpload: { method: 'GET', path: '/api/v1/jobs/:id/uploads/:upload', summary: 'Where an upload stands: send from its offset', scopes: ['admin', 'job'], params: UploadParams, response: UploadState },
  sendUpload: { method: 'PATCH', path: '/api/v1/jobs/:id/uploads/:upload', summary: "Send an upload's bytes (application/octet-stream) from ?offset=, which must be where it stands; verified by sha256 once complete", scopes: ['admin', 'job'], params: UploadParams, query: UploadChunkQuery, stream: true, bodyLimit: UNBOUNDED_STREAM, response: UploadState },
  listModels: { method: 'GET', path: '/api/v1/models', summary: 'Every version of every model, with the params and final metrics of the job it came from', scopes: ALL, response: z.array(Model) },
  registerModel: { method: 'POST', path: '/api/v1/models', summary: "Register a job's artifact as the next version of a named model", scopes: ['admin'], body: ModelCreate, response: Model },
  modelVersions: { method: 'GET', path: '/api/v1/models/:name', summary: "A model's versions, newest first", scopes: ALL, params: ModelParams, response: z.array(Model) },
  getModel: { method: 'GET', path: '/api/v1/models/:name/versions/:version', summary: 'One version of a model', scopes: ALL, params: ModelVersionParams, response: Model },
  downloadModel: { method: 'GET', path: '/api/v1/models/:name/versions/:version/file', summary: "A model version's bytes (Range supported)", scopes: ALL, params: ModelVersionParams, response: z.string(), raw: true },
  deleteModel: { method: 'DELETE', path: '/api/v1/models/:name', summary: 'Delete every version of a model; each file goes once nothing refers to it', scopes: ['admin'], params: ModelParams, response: Removed },
  deleteModelVersion: { method: 'DELETE', path: '/api/v1/models/:name/versions/:version', summary: 'Delete one version of a model', scopes: ['admin'], params: ModelVersionParams, response: Removed },
  listDatasets: { method: 'GET', path: '/api/v1/datasets', summary: 'Datasets with their format, size, rows and columns (CSV, JSONL, Parquet) or file count (zip, tar)', scopes: ALL, response: z.array(Dataset) },
  createDatasetUpload: { method: 'POST', path: '/api/v1/datasets/uploads', summary: 'Start or resume the upload of a dataset {name, file_name, size, sha256?}; content already stored completes at once; without sha256 the last PATCH names it', scopes: ['admin'], body: DatasetUploadCreate, response: UploadState },
  getDatasetUpload: { method: 'GET', path: '/api/v1/datasets/uploads/:upload', summary: "Where a dataset's upload stands: send from its offset", scopes: ['admin'], params: DatasetUploadParams, response: UploadState },
  sendDatasetUpload: { method: 'PATCH', path: '/api/v1/datasets/uploads/:upload', summary: "Send a dataset upload's bytes (application/octet-stream) from ?offset=; once complete it is verified, read and stored", scopes: ['admin'], params: DatasetUploadParams, query: UploadChunkQuery, stream: true, bodyLimit: UNBOUNDED_STREAM, response: UploadState },
  getDataset: { method: 'GET', path: '/api/v1/datasets/:name', summary: 'One dataset', scopes: ALL, params: DatasetParams, response: Dataset },
  downloadDataset: { method: 'GET', path: '/api/v1/datasets/:name/file', summary: "A dataset's bytes (Range supported)", scopes: ALL, params: DatasetParams, response: z.string(), raw: true },
  deleteDataset: { method: 'DELETE', path: '/api/v1/datasets/:name', summary: 'Delete a dataset; its file goes once nothing refers to it (jobs keep the inputs they were given)', scopes: ['admin'], params: DatasetParams, response: Ok },
  downloadJobInput: { method: 'GET', path: '/api/v1/jobs/:id/inputs/:position', summary: "The bytes of a job's input as pinned at submit (agents stage it with the job's token; Range supported)", scopes: ['admin', 'read', 'job'], params: InputParams, response: z.string(), raw: true },

  registerWorker: { method: 'POST', path: '/api/v1/workers', summary: 'Register a worker with an enrolment token, or again with its credential; returns the worker credential', scopes: ['worker'], enrol: true, bodyLimit: 256 * 1024, body: WorkerRegister, response: RegisteredWorker },
  createChatLinkCode: { method: 'POST', path: '/api/v1/chat/link-codes', summary: 'A one-time code that links a chat to the chat bot (send /link CODE to the bot; expires in 10 minutes)', scopes: ['admin'], response: ChatLinkCode },
  listChatLinks: { method: 'GET', path: '/api/v1/chat/links', summary: 'Chats linked to the chat bot', scopes: ['admin'], response: z.array(ChatLink) },
  removeChatLink: { method: 'DELETE', path: '/api/v1/chat/links/:chat_id', summary: "Unlink a chat and revoke its token", scopes: ['admin'], params: z.strictObject({ chat_id: z.string().min(1).max(100) }), response: Ok },
  listWorkers: { method: 'GET', path: '/api/v1/workers', summary: 'List workers', scopes: [...ALL, ...CHAT], response: z.array(Worker) },
  getWorker: { method: 'GET', path: '/api/v1/workers/:id', summary: 'Get one worker', scopes: ALL, params: WorkerParams, response: Worker },
  heartbeat: { method: 'POST', path: '/api/v1/workers/:id/heartbeat', summary: 'Heartbeat with free resources and GPU samples (agents)', scopes: ['worker'], holds: 'worker', bodyLimit: 256 * 1024, params: WorkerParams, body: Heartbeat, response: HeartbeatReply },
  claim: { method: 'POST', path: '/api/v1/workers/:id/claim', summary: 'Claim jobs that fit (agents; long-poll with wait_ms)', scopes: ['worker'], holds: 'worker', bodyLimit: 64 * 1024, params: WorkerParams, body: ClaimRequest, response: ClaimReply },
  setWorkerState: { method: 'PATCH', path: '/api/v1/workers/:id', summary: 'Drain or resume a worker', scopes: ['admin'], params: WorkerParams, body: z.strictObject({ state: z.enum(['online', 'draining']) }), response: Worker },
  startWorker: { method: 'POST', path: '/api/v1/workers/:id/start', summary: "Start this coordinator's own (local) worker again after a stop, without restarting the coordinator", scopes: ['admin'], params: WorkerParams, response: Worker },
  stopWorker: { method: 'POST', path: '/api/v1/workers/:id/stop', summary: "Ask a worker's agent to stop: it hands its running jobs back to the queue and exits", scopes: ['admin'], params: WorkerParams, response: Worker },
  deregisterWorker: { method: 'DELETE', path: '/api/v1/workers/:id', summary: 'A worker says goodbye; its running attempts are lost', scopes: ['admin', 'worker'], holds: 'worker', params: WorkerParams, response: Ok },
  gpuHistory: { method: 'GET', path: '/api/v1/workers/:id/gpus', summary: "A worker's GPU history (downsampled)", scopes: ALL, params: WorkerParams, query: GpuQuery, response: z.array(GpuHistoryPoint) },
  gpus: { method: 'GET', path: '/api/v1/gpus', summary: 'Latest sample of every GPU with the jobs on it', scopes: ALL, response: z.array(GpuNow) },

  listTokens: { method: 'GET', path: '/api/v1/tokens', summary: 'List tokens (never the secrets)', scopes: ['admin'], response: z.array(TokenRecord) },
  createToken: { method: 'POST', path: '/api/v1/tokens', summary: 'Create a token; the secret is shown once', scopes: ['admin'], body: TokenCreate, response: CreatedToken },
  revokeToken: { method: 'DELETE', path: '/api/v1/tokens/:id', summary: 'Revoke a token', scopes: ['admin'], params: IdParams, response: TokenRecord },

  stats: { method: 'GET', path: '/api/v1/stats', summary: 'GPU-hours and idle GPU-hours per project, label or worker over a period (since=7d), jobs per hour, GPUs idle now', scopes: ALL, query: StatsQuery, response: StatsReport },
  idleGpus: { method: 'GET', path: '/api/v1/stats/idle-gpus', summary: 'Attempts holding a GPU that has stayed idle for the idle window', scopes: ALL, response: z.array(IdleGpu) },

  startMaintenance: { method: 'POST', path: '/api/v1/maintenance/tasks', summary: 'Start a maintenance task: prune (older_than_days, dry_run), orphans (dry_run), health (thresholds) or stats', scopes: ['admin'], body: MaintenanceRequest, response: MaintenanceTask },
  listMaintenance: { method: 'GET', path: '/api/v1/maintenance/tasks', summary: 'Maintenance tasks, newest first: when each ran and what it did', scopes: ALL, response: z.array(MaintenanceTask) },
  getMaintenance: { method: 'GET', path: '/api/v1/maintenance/tasks/:id', summary: "A maintenance task's status and result", scopes: ALL, params: IdParams, response: MaintenanceTask },

  addNotifyRule: { method: 'POST', path: '/api/v1/notifications/rules', summary: 'Add a notification rule: on an event (failure, sweep-done, worker-offline, idle-gpu, unrunnable), post to a webhook as json, slack or telegram', scopes: ['admin'], body: NotifyRuleCreate, response: NotifyRule },
  listNotifyRules: { method: 'GET', path: '/api/v1/notifications/rules', summary: 'Notification rules (webhook URLs shown without secrets)', scopes: ['admin'], response: z.array(NotifyRule) },
  removeNotifyRule: { method: 'DELETE', path: '/api/v1/notifications/rules/:id', summary: 'Remove a notification rule and its deliveries', scopes: ['admin'], params: IdParams, response: Ok },
  notifyLog: { method: 'GET', path: '/api/v1/notifications/deliveries', summary: 'The delivery log, newest first: state, attempts and last error of each webhook call', scopes: ['admin'], query: NotifyLogQuery, response: z.array(NotifyDelivery) },

  prometheusMetrics: { method: 'GET', path: '/metrics', summary: 'Prometheus metrics in the text exposition format (admin or metrics tokens; no token from loopback with --metrics-open)', scopes: ['metrics'], response: z.string(), raw: true },
  listHosts: { method: 'GET', path: '/api/v1/hosts', summary: 'List SSH hosts with their state, probe and worker', scopes: ALL, response: z.array(Host) },
  addHost: { method: 'POST', path: '/api/v1/hosts', summary: 'Add a host, or update the one with that name in place; checks its key, probes it and starts its agent', scopes: ['admin'], body: HostAdd, response: Host },
  getHost: { method: 'GET', path: '/api/v1/hosts/:name', summary: 'Get one host', scopes: ALL, params: HostParams, response: Host },
  trustHost: { method: 'POST', path: '/api/v1/hosts/:name/trust', summary: 'Trust the host key it presents (by SHA256 fingerprint), then bring it up', scopes: ['admin'], params: HostParams, body: HostTrust, response: Host },
  hostUp: { method: 'POST', path: '/api/v1/hosts/:name/up', summary: "Probe the host, install the coordinator's agent and start it", scopes: ['admin'], params: HostParams, response: Host },
  hostDown: { method: 'POST', path: '/api/v1/hosts/:name/down', summary: "Stop the host's agent: drain first, or now (running jobs are handed back)", scopes: ['admin'], params: HostParams, body: HostDown, response: Host },
  hostRestart: { method: 'POST', path: '/api/v1/hosts/:name/restart', summary: "Restart the host's agent", scopes: ['admin'], params: HostParams, response: Host },
  hostUpgrade: { method: 'POST', path: '/api/v1/hosts/:name/upgrade', summary: "Install the coordinator's agent version on the host and restart it", scopes: ['admin'], params: HostParams, response: Host },
  removeHost: { method: 'DELETE', path: '/api/v1/hosts/:name', summary: "Stop the host's agent, remove its ~/.gantry and forget it", scopes: ['admin'], params: HostParams, response: RemovedHost },
  syncHost: { method: 'POST', path: '/api/v1/hosts/:name/sync', summary: "Copy a directory of the coordinator's machine to the host (minus .gitignore/.gantryignore matches), once per content: jobs run in the copy it names", scopes: ['admin'], params: HostParams, body: HostSync, response: HostSyncResult },
  packWorkDir: { method: 'POST', path: '/api/v1/workdirs', summary: "Pack a directory of the coordinator's machine (minus .gitignore/.gantryignore matches) as a stored tar, once per content: a job given it as `sync` runs on any worker in a copy of it", scopes: ['admin'], body: HostSync, response: PackedWorkDir },
  hostLogs: { method: 'GET', path: '/api/v1/hosts/:name/logs', summary: "The end of the host agent's own log", scopes: ['admin'], params: HostParams, query: HostLogQuery, response: HostLog },
  listSlurmClusters: { method: 'GET', path: '/api/v1/slurm', summary: 'List Slurm clusters with their demand and pilots (Slurm job id, state, reason, worker)', scopes: ALL, response: z.array(SlurmCluster) },
  addSlurmCluster: { method: 'POST', path: '/api/v1/slurm', summary: 'Add a Slurm cluster (its login node a host of /hosts), or update the one with that name in place; pilots follow demand from then on', scopes: ['admin'], body: SlurmClusterAdd, response: SlurmCluster },
  getSlurmCluster: { method: 'GET', path: '/api/v1/slurm/:name', summary: 'Get one Slurm cluster with its pilots', scopes: ALL, params: ClusterParams, response: SlurmCluster },
  removeSlurmCluster: { method: 'DELETE', path: '/api/v1/slurm/:name', summary: "Cancel the cluster's pilots (scancel), revoke their token and forget the cluster", scopes: ['admin'], params: ClusterParams, response: RemovedCluster },
  listK8sClusters: { method: 'GET', path: '/api/v1/k8s', summary: 'List Kubernetes clusters with their bridge worker', scopes: ALL, response: z.array(KubernetesCluster) },
  addK8sCluster: { method: 'POST', path: '/api/v1/k8s', summary: 'Add a Kubernetes cluster (a kubeconfig context and namespace), or update the one with that name in place; its bridge worker starts at once', scopes: ['admin'], body: KubernetesClusterAdd, response: KubernetesCluster },
  getK8sCluster: { method: 'GET', path: '/api/v1/k8s/:name', summary: 'Get one Kubernetes cluster', scopes: ALL, params: KubernetesClusterParams, response: KubernetesCluster },
  removeK8sCluster: { method: 'DELETE', path: '/api/v1/k8s/:name', summary: "Stop the cluster's bridge worker (its jobs are handed back) and forget the cluster; Jobs already in Kubernetes are left alone", scopes: ['admin'], params: KubernetesClusterParams, response: RemovedKubernetesCluster },
  authLog: { method: 'GET', path: '/api/v1/auth-log', summary: 'Authentication failures and token changes after an id', scopes: ['admin'], query: AuthLogQuery, response: z.array(AuthLogEntry) },

  listSuites: { method: 'GET', path: '/api/v1/suites', summary: 'List suites with their counters, open first', scopes: ALL, query: SuiteListQuery, response: z.array(Suite) },
  createSuite: { method: 'POST', path: '/api/v1/suites', summary: 'Create a suite: jobs that share an environment, with setup and cleanup hooks run once per worker and tags selecting its workers', scopes: ['admin'], body: SuiteCreate, response: Suite },
  getSuite: { method: 'GET', path: '/api/v1/suites/:suite', summary: 'Get one suite (by id or name) with its counters and how each worker stands with it', scopes: ALL, params: SuiteParams, response: Suite },
  closeSuite: { method: 'POST', path: '/api/v1/suites/:suite/close', summary: 'Close a suite: it takes no new jobs, its jobs not yet started (waiting or queued) are cancelled (cancelled_jobs counts them), running ones finish; workers then clean up', scopes: ['admin'], params: SuiteParams, response: SuiteClosed },
  listHookRuns: { method: 'GET', path: '/api/v1/suites/:suite/hooks', summary: "A suite's hook runs on each worker: setup and cleanup, outcome, exit code", scopes: ALL, params: SuiteParams, response: z.array(HookRun) },
  readHookLog: { method: 'GET', path: '/api/v1/suites/:suite/hooks/:run/log', summary: "A hook run's output (raw bytes)", scopes: ALL, params: HookRunParams, response: z.string(), raw: true },
  downloadSuiteInput: { method: 'GET', path: '/api/v1/suites/:suite/inputs/:position', summary: "The bytes of a suite's input as pinned at create (agents stage it into the suite's directory before the setup; Range supported)", scopes: ['admin', 'read', 'worker'], params: SuiteInputParams, response: z.string(), raw: true },
  reportSuiteHook: { method: 'POST', path: '/api/v1/workers/:id/suite-hooks', summary: 'Report a hook run with its output (agents); a failed setup hands back the attempts that waited on it', scopes: ['worker'], holds: 'worker', bodyLimit: 2 * HOOK_LOG_LIMIT, params: WorkerParams, body: HookReport, response: HookRun },
  workerSuites: { method: 'GET', path: '/api/v1/workers/:id/suites', summary: 'Suites this worker set up that it should clean up now (agents)', scopes: ['worker'], holds: 'worker', params: WorkerParams, response: WorkerSuites },

  events: { method: 'GET', path: '/api/v1/events', summary: 'Events after an id (the WebSocket pushes the same)', scopes: ALL, query: EventsQuery, response: z.array(QueueEvent) },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof ROUTES;
