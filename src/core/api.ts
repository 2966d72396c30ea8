import type {
  Attempt,
  ClaimedJob,
  CreatedToken,
  Explanation,
  FreeResources,
  Heartbeat,
  HeartbeatReply,
  Job,
  JobCounts,
  JobFilter,
  JobListQuery,
  JobPage,
  JobSubmitInput,
  LogStreamName,
  MetricPoint,
  Project,
  ProjectCreateInput,
  ProjectUpdateInput,
  QueueEvent,
  TokenCreate,
  TokenRecord,
  Worker,
  WorkerRegister,
  WorkerState,
  GpuSample,
  FinishRequest,
  FinishBatch,
  FinishOutcome,
  GantryError,
  GpuHistoryPoint,
  GpuNow,
  MetricRow,
  AuthLogEntry,
} from '../shared';
import type { Operations, OperationsOptions } from './operations/api';
import type { ArtifactOptions, Artifacts } from './artifacts/api';
import type { Suites, SuitesOptions } from './suites/api';
import type { HostInventory } from './hosts/hostInventory';
import type { SlurmInventory } from './slurm/clusterInventory';
import type { KubernetesInventory } from './kubernetes/clusterInventory';
import type { AuthEvent } from './tokens/authLog';
import type { ChangeOrigin } from './tokens/tokenStore';
import type { Registrant } from './workers/registerWorker';
import type { AttemptHolder, CredentialHolder } from './workers/workerCredentials';
import type { MetricQueries } from './metrics/api';
import type { Sweeps } from './sweeps/sweeps';
import type { ExplainViewer } from './scheduler/explain';

export type { AuthEvent, ChangeOrigin, Registrant, AttemptHolder, CredentialHolder, Artifacts, ArtifactOptions };

export interface CoordinatorOptions extends OperationsOptions, SuitesOptions {
  /** Folder holding gantry.db and the log files; created when missing. */
  dataDir: string;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now?: () => number;
  /** How long a claim or heartbeat keeps a lease alive. */
  leaseTtlMs?: number;
  /** After an open, running leases get at least this long for their agents to come back. */
  restartGraceMs?: number;
  /** A worker unseen for this long is marked offline. */
  workerTimeoutMs?: number;
  /** A job at the head of the queue that has waited this long reserves a worker that could fit it. */
  reserveAfterMs?: number;
  /** How long the event log keeps events (default 7 days); the sweep deletes older ones. */
  eventRetentionMs?: number;
  /**
   * Run the lease/worker expiry sweep on a timer (null: off, in tests that drive it by hand). A tick
   * that comes more than one interval late means the process was not running: leases are extended by that.
   */
  sweepIntervalMs?: number | null;
  /** Size limits of the artifact store. */
  artifacts?: ArtifactOptions;
  /**
   * Checkpoint the WAL from a worker thread (store/backgroundCheckpoint.ts), so its fsyncs never
   * block the event loop; `gantry serve` turns it on. `resolveFrom` is a file of the running package
   * from which the thread loads better-sqlite3 (bundles keep npm packages external and place this
   * module at no fixed depth). Off by default: a short-lived coordinator (a test, a script) would
   * start a thread for nothing.
   */
  checkpointInBackground?: { resolveFrom: string };
}

export interface ClaimOptions {
  max?: number;
  free?: FreeResources;
}

/** What finishAndClaim did: each result's outcome, the jobs claimed, and why the claim was refused if it was. */
export interface FinishAndClaimResult {
  results: FinishOutcome[];
  jobs: ClaimedJob[];
  claimError?: GantryError;
}

export interface LogRead {
  data: Buffer;
  /** Offset just past the returned bytes: pass it back to resume. */
  next_offset: number;
  /** Total bytes written so far for this attempt. */
  size: number;
  /** True when the attempt is finished and nothing more will be written. */
  complete: boolean;
  /** Of an interleaved read: the [start, end) file offsets within it that were stderr. Empty for a read of one stream. */
  stderr: Array<[start: number, end: number]>;
}

export type EventListener = (event: QueueEvent) => void;

/** The coordinator core: everything the server, the CLI and the Electron shell call. */
export interface Coordinator {
  readonly dataDir: string;
  /** Metrics, GPU accounting and maintenance (src/core/operations). */
  readonly operations: Operations;
  /** Jobs' output files in the content-addressed store (src/core/artifacts). */
  readonly artifacts: Artifacts;
  /** Suites with setup and cleanup hooks (src/core/suites). */
  readonly suites: Suites;

  createProject(input: ProjectCreateInput): Project;
  /** Changes a project's description or its jobs' preemption defaults (used when a job does not say). */
  updateProject(name: string, input: ProjectUpdateInput): Project;
  listProjects(): Project[];
  getProject(name: string): Project;

  submit(spec: JobSubmitInput): Job;
  /** All or nothing, in one transaction; `{ref}` dependencies point at other items of the batch. */
  submitBatch(specs: JobSubmitInput[]): Job[];
  getJob(id: number): Job;
  listJobs(query?: JobListQuery): JobPage;
  countJobs(filter?: JobFilter): JobCounts;
  cancel(id: number, reason?: string): Job;
  retry(id: number): Job;
  remove(id: number): void;
  /** Removes the project's waiting, queued and blocked jobs; returns how many. */
  clearPending(project: string): number;
  setPriority(id: number, priority: number): Job;
  /** Tells a running job's worker to checkpoint and stop it (signal, grace, SIGTERM, SIGKILL); it re-queues without spending an attempt. */
  preempt(id: number): Job;
  /** With a viewer limited to one project, other projects' jobs are left unnamed. */
  explain(id: number, viewer?: ExplainViewer): Explanation;
  dependents(id: number): Job[];
  listAttempts(jobId: number): Attempt[];

  /**
   * Enrols a worker (a new credential is returned) or, for the holder of a worker credential,
   * registers it again under its id (credential null: it keeps the one it has). A name held by
   * another live worker is refused with a conflict.
   */
  registerWorker(info: WorkerRegister, registrant?: Registrant): Worker & { credential: string | null };
  /** The worker a `gwrk_` credential acts for; null when unknown or its enrolling token was revoked. */
  workerByCredential(secret: string): CredentialHolder | null;
  /**
   * A count that moves whenever this coordinator revokes a token or replaces a worker's credential,
   * so a connection that authenticated once (the agent channel) reads its credential again only
   * when it moved, not per call. Another process writing the same database does not move it.
   */
  credentialRevision(): number;
  /** Who runs or ran an attempt; null when the job has no such attempt. */
  attemptHolder(jobId: number, attempt: number): AttemptHolder | null;
  heartbeat(workerId: string, beat?: Heartbeat): HeartbeatReply;
  claim(workerId: string, options?: ClaimOptions): ClaimedJob[];
  /** One given queued job, for a bridge worker whose other scheduler just started it (Slurm per-job mode); null when it is no longer claimable. */
  claimJob(workerId: string, jobId: number): ClaimedJob | null;
  finish(jobId: number, request: FinishRequest): Job;
  /** Many results in one transaction; each is applied or refused on its own. */
  finishMany(batch: FinishBatch): FinishOutcome[];
  /**
   * Results and the worker's next claim in one transaction (one commit, one round trip per job):
   * the claim sees the room the results freed. A refused claim leaves the results applied and is
   * returned as `claimError`.
   */
  finishAndClaim(workerId: string, batch: FinishBatch, claim: ClaimOptions): FinishAndClaimResult;
  setWorkerState(workerId: string, state: Extract<WorkerState, 'online' | 'draining'>): Worker;
  /** Asks the worker's agent to stop; it hands its jobs back and exits. */
  requestWorkerStop(workerId: string): Worker;
  /** The worker said goodbye: offline, and its running jobs re-queued without spending an attempt. */
  deregisterWorker(workerId: string): void;
  getWorker(id: string): Worker;
  listWorkers(): Worker[];
  /** Expires leases and unseen workers; the timer calls it, tests call it by hand. Returns attempts marked lost. */
  sweep(): number;
  /**
   * The host woke from sleep (Electron's powerMonitor 'resume'): sweep now, after extending leases by
   * the time the coordinator was not running (measured from the gap between its own sweep ticks).
   */
  resumed(): void;

  appendLog(jobId: number, attempt: number, seq: number, data: Buffer, stream?: LogStreamName): { accepted: boolean; next_seq: number };
  /** With `stream`, offsets and sizes count that stream's bytes alone. */
  readLog(jobId: number, attempt: number, offset?: number, length?: number, stream?: LogStreamName): LogRead;
  logPath(jobId: number, attempt: number): string;

  recordMetrics(jobId: number, attempt: number, points: MetricPoint[]): number;
  listMetrics(jobId: number): MetricRow[];
  /** Latest, per-epoch and downsampled metric history of a job, and one metric across a sweep (src/core/metrics). */
  readonly metricQueries: MetricQueries;
  /** Sweeps: the jobs each sweep request expanded to (src/core/sweeps). */
  readonly sweeps: Sweeps;

  recordGpuSamples(workerId: string, samples: GpuSample[]): void;
  gpuHistory(workerId: string, sinceMs?: number): GpuHistoryPoint[];
  latestGpuSamples(): GpuNow[];

  createToken(input: TokenCreate, origin?: ChangeOrigin): CreatedToken;
  /** Returns the record for a valid, unrevoked token; null otherwise. */
  verifyToken(secret: string): TokenRecord | null;
  listTokens(): TokenRecord[];
  revokeToken(id: number, origin?: ChangeOrigin): TokenRecord;
  /** Stores an authentication failure (token changes are stored by createToken and revokeToken). */
  recordAuthEvent(event: AuthEvent): void;
  authLog(afterId?: number, limit?: number): AuthLogEntry[];

  /** Hosts reached over SSH and their trusted host keys; src/provision drives them. */
  readonly hosts: HostInventory;
  /** Slurm clusters and their pilots; src/provision drives them. */
  readonly slurm: SlurmInventory;
  /** Kubernetes clusters whose bridge workers run jobs as Kubernetes Jobs (issue 22). */
  readonly kubernetes: KubernetesInventory;

  eventsSince(afterId: number, limit?: number): QueueEvent[];
  lastEventId(): number;
  /** Called after each committed transition, in commit order, in this process. */
  subscribe(listener: EventListener): () => void;
  /**
   * Runs `fn` in one transaction: the transitions it calls join it and commit once, and their events
   * are published after that commit. If `fn` throws, every write it made is rolled back.
   */
  inOneTransaction<T>(fn: () => T): T;

  close(): void;
}
