/**
 * The Slurm clusters table (what the user added: login host, pilot shape and limits) and the
 * pilots table (each array task sbatch started, with squeue's last word on it). src/provision
 * drives clusters over SSH; this module only stores them and answers what the queue asks of them.
 */
import { NotFoundError, parseOrThrow, SlurmClusterAdd, type Job, type SlurmCluster, type SlurmClusterSpec, type SlurmPilot } from '../../shared';
import type { CoreContext } from '../context';
import { jobFromRow } from '../queue/jobRows';
import { IN_ANY_PROJECT, type RowFilter } from '../queue/jobsByState';
import { countQueued, firstQueuedInClaimOrder } from '../queue/queuedInClaimOrder';
import { createDirectTaskStore, type DirectTaskStore } from './directTasks';

interface ClusterRow {
  name: string;
  login: string;
  spec: string;
  error: string | null;
  token_id: number | null;
  created_at: number;
  updated_at: number;
}

interface PilotRow {
  cluster: string;
  slurm_job_id: string;
  state: string;
  reason: string | null;
  worker_name: string;
  submitted_at: number;
}

/** A cluster as provisioning needs it: the wire shape plus the token its pilots enrol with. */
export interface ClusterRecord extends SlurmCluster {
  token_id: number | null;
}

/** One line of squeue: an array task's id, state and reason. */
export interface PilotStatus {
  slurm_job_id: string;
  state: string;
  reason: string | null;
}

/** The tag a job carries to run on a cluster's pilots (`gantry submit --slurm NAME`). */
export const pilotTag = (cluster: string): string => `slurm:${cluster}`;
/** The worker name a pilot registers with: the cluster and its Slurm array task. */
export const pilotWorkerName = (cluster: string, slurmJobId: string): string => `${cluster}-${slurmJobId}`;

export interface SlurmInventory {
  /** Adds the cluster, or updates the one with that name in place (its pilots are kept). */
  save(input: unknown): ClusterRecord;
  get(name: string): ClusterRecord;
  list(): ClusterRecord[];
  remove(name: string): void;
  setError(name: string, error: string | null): void;
  setToken(name: string, tokenId: number | null): void;
  /** Records the array tasks one sbatch started, as SUBMITTED until squeue shows them. */
  addPilots(name: string, slurmJobIds: string[]): void;
  /** Applies what squeue shows of the cluster's pilots; pilots it no longer shows have ended and are dropped. */
  updatePilots(name: string, seen: PilotStatus[]): void;
  /** Jobs tagged for the cluster that wait or run: what the pilot count follows. */
  demand(name: string): number;
  /** Jobs for per-job mode that wait to be sent to Slurm. */
  waitingDirect(name: string): number;
  /** Those jobs, highest priority first: queued, claimable, and with no task in Slurm for their next attempt. */
  unsentDirect(name: string, limit: number): Job[];
  /** Per-job mode's array tasks. */
  readonly direct: DirectTaskStore;
}

function toPilot(ctx: CoreContext, row: PilotRow): SlurmPilot {
  const worker = ctx.sql("SELECT id FROM workers WHERE name = ? ORDER BY state = 'offline', last_seen_at DESC LIMIT 1").get(row.worker_name) as { id: string } | undefined;
  return { slurm_job_id: row.slurm_job_id, state: row.state, reason: row.reason, worker_name: row.worker_name, worker_id: worker?.id ?? null, submitted_at: row.submitted_at };
}

/** The tag of jobs sent to a cluster one by one (`gantry submit --slurm NAME --direct`). */
export const directTag = (cluster: string): string => `slurm-direct:${cluster}`;

function runningJobsTagged(ctx: CoreContext, tag: string): number {
  const row = ctx.sql(`SELECT COUNT(*) AS n FROM jobs WHERE ${IN_ANY_PROJECT} AND state = 'running'
    AND EXISTS (SELECT 1 FROM json_each(jobs.requirements, '$.tags') WHERE value = ?)`).get(tag) as { n: number };
  return row.n;
}

/**
 * Per-job mode sends a queued job to Slurm before claiming it, for the attempt its claim will open.
 * A shape's requirements are its jobs' (never changed after submit), so only the shapes with the tag
 * are read, lane by lane; the row's own tag check stays as the definition.
 */
function unsentDirect(ctx: CoreContext, tag: string): { filter: RowFilter; shapes: number[] } {
  const shapes = ctx.sql(`SELECT t.key FROM job_tallies t JOIN job_shapes s ON s.id = t.key WHERE t.kind = 2 AND t.n > 0
    AND EXISTS (SELECT 1 FROM json_each(s.requirements, '$.tags') WHERE value = ?)`).all(tag) as Array<{ key: number }>;
  const filter = {
    clauses: ["EXISTS (SELECT 1 FROM json_each(jobs.requirements, '$.tags') WHERE value = ?)", 'NOT EXISTS (SELECT 1 FROM slurm_direct_tasks t WHERE t.job_id = jobs.id AND t.attempt = jobs.attempt + 1)'],
    args: [tag],
  };
  return { filter, shapes: shapes.map((row) => row.key) };
}

/**
 * Jobs tagged for the cluster that wait or run. The queued ones are counted from the trigger-kept
 * tallies of the shapes with the tag (a shape's requirements are its jobs'), where checking each
 * queued job's tags read the whole queue on every pilot pass (issue 19: 1.35 s of CPU at 1M jobs);
 * the running ones, a few per worker, are read.
 */
function demandOf(ctx: CoreContext, name: string): number {
  const tag = pilotTag(name);
  const queued = ctx.sql(`SELECT COALESCE(SUM(t.n), 0) AS n FROM job_tallies t JOIN job_shapes s ON s.id = t.key WHERE t.kind = 2 AND t.n > 0
    AND EXISTS (SELECT 1 FROM json_each(s.requirements, '$.tags') WHERE value = ?)`).get(tag) as { n: number };
  return queued.n + runningJobsTagged(ctx, tag);
}

export function createSlurmInventory(ctx: CoreContext): SlurmInventory {
  const direct = createDirectTaskStore(ctx);
  const read = (name: string): ClusterRow => {
    const row = ctx.sql('SELECT * FROM slurm_clusters WHERE name = ?').get(name) as ClusterRow | undefined;
    if (!row) throw new NotFoundError(`Slurm cluster ${name} does not exist (gantry slurm ls lists them)`, 'name');
    return row;
  };
  const record = (row: ClusterRow): ClusterRecord => {
    // Clusters stored before a field existed read as its default.
    const spec = JSON.parse(row.spec) as SlurmClusterSpec;
    spec.relay ??= null;
    const pilots = (ctx.sql('SELECT * FROM slurm_pilots WHERE cluster = ? ORDER BY submitted_at, slurm_job_id').all(row.name) as PilotRow[]).map((p) => toPilot(ctx, p));
    return { ...spec, name: row.name, login: row.login, created_at: row.created_at, updated_at: row.updated_at, error: row.error, demand: demandOf(ctx, row.name), pilots, direct_tasks: direct.list(row.name).map(({ slurm_job_id, job_id, attempt, state, reason, submitted_at }) => ({ slurm_job_id, job_id, attempt, state, reason, submitted_at })), relay_url: null, token_id: row.token_id };
  };
  const touch = (name: string, sets: string, ...values: unknown[]): void => {
    ctx.tx(() => {
      read(name);
      ctx.sql(`UPDATE slurm_clusters SET ${sets}, updated_at = ? WHERE name = ?`).run(...values, ctx.now(), name);
    });
  };

  return {
    save(input) {
      const spec = parseOrThrow(SlurmClusterAdd, input);
      ctx.tx(() => {
        const now = ctx.now();
        ctx.sql(`INSERT INTO slurm_clusters (name, login, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET login = excluded.login, spec = excluded.spec, updated_at = excluded.updated_at`)
          .run(spec.name, spec.login, JSON.stringify(spec), now, now);
      });
      return record(read(spec.name));
    },
    get: (name) => record(read(name)),
    list: () => (ctx.sql('SELECT * FROM slurm_clusters ORDER BY name').all() as ClusterRow[]).map(record),
    remove(name) {
      ctx.tx(() => {
        read(name);
        ctx.sql('DELETE FROM slurm_clusters WHERE name = ?').run(name);
      });
    },
    setError: (name, error) => touch(name, 'error = ?', error),
    setToken: (name, tokenId) => touch(name, 'token_id = ?', tokenId),
    addPilots(name, slurmJobIds) {
      ctx.tx(() => {
        read(name);
        const now = ctx.now();
        const insert = ctx.sql("INSERT OR IGNORE INTO slurm_pilots (cluster, slurm_job_id, state, reason, worker_name, submitted_at, updated_at) VALUES (?, ?, 'SUBMITTED', NULL, ?, ?, ?)");
        for (const id of slurmJobIds) insert.run(name, id, pilotWorkerName(name, id), now, now);
      });
    },
    updatePilots(name, seen) {
      ctx.tx(() => {
        read(name);
        const now = ctx.now();
        const shown = new Map(seen.map((s) => [s.slurm_job_id, s]));
        const known = ctx.sql('SELECT slurm_job_id FROM slurm_pilots WHERE cluster = ?').all(name) as Array<{ slurm_job_id: string }>;
        const update = ctx.sql('UPDATE slurm_pilots SET state = ?, reason = ?, updated_at = ? WHERE cluster = ? AND slurm_job_id = ?');
        const drop = ctx.sql('DELETE FROM slurm_pilots WHERE cluster = ? AND slurm_job_id = ?');
        for (const { slurm_job_id: id } of known) {
          const status = shown.get(id);
          if (status) update.run(status.state, status.reason, now, name, id);
          else drop.run(name, id);
        }
      });
    },
    demand: (name) => demandOf(ctx, name),
    waitingDirect: (name) => {
      const { filter, shapes } = unsentDirect(ctx, directTag(name));
      return countQueued(ctx, filter, { shapes, waitingRetries: false });
    },
    unsentDirect: (name, limit) => {
      const { filter, shapes } = unsentDirect(ctx, directTag(name));
      return firstQueuedInClaimOrder(ctx, { clauses: [], args: [] }, filter, limit, { shapes, waitingRetries: false }).map((row) => jobFromRow(ctx, row));
    },
    direct,
  };
}
