import { NotFoundError, type FreeResources, type GpuDevice, type Worker, type WorkerState } from '../../shared';
import type { CoreContext } from '../context';
import { freeCapacity, type Allocation, type WorkerCapacity } from '../scheduler/capacity';

export interface WorkerRow {
  id: string;
  name: string;
  hostname: string;
  cpus: number;
  memory_mb: number;
  gpus: string;
  tags: string;
  version: string;
  state: WorkerState;
  gpu_free: string;
  stop_requested: number;
  /** The queued job preemption freed this worker for (issue 21), until it is claimed. */
  reserved_for: number | null;
  registered_at: number;
  last_seen_at: number;
}

export interface WorkerSpec {
  id: string;
  cpus: number;
  memory_mb: number;
  gpus: GpuDevice[];
  tags: string[];
  gpuFree: Record<string, number>;
  state: WorkerState;
  stopRequested: boolean;
}

export function toWorkerSpec(row: WorkerRow): WorkerSpec {
  return {
    id: row.id,
    cpus: row.cpus,
    memory_mb: row.memory_mb,
    gpus: JSON.parse(row.gpus) as GpuDevice[],
    tags: JSON.parse(row.tags) as string[],
    gpuFree: JSON.parse(row.gpu_free) as Record<string, number>,
    state: row.state,
    stopRequested: row.stop_requested === 1,
  };
}

/** What a claim reads of its worker: the spec, and the job preemption reserved the worker for. */
export interface ClaimingWorkerRow {
  spec: WorkerSpec;
  reservedFor: number | null;
}

/**
 * Only the columns a claim needs, as raw values: `SELECT *` as an object cost a claim ~6 µs, this ~2.
 * The JSON columns' parsed values are kept per worker while their text stays the same (it changes
 * when the worker registers again or reports GPU memory), so a claim parses nothing in the common case.
 */
const SELECT_CLAIMING = 'SELECT id, cpus, memory_mb, gpus, tags, gpu_free, state, stop_requested, reserved_for FROM workers WHERE id = ?';

interface ParsedJson {
  gpusText: string;
  tagsText: string;
  gpuFreeText: string;
  gpus: GpuDevice[];
  tags: string[];
  gpuFree: Record<string, number>;
}

const parsedByWorker = new WeakMap<CoreContext, Map<string, ParsedJson>>();

export function readClaimingWorker(ctx: CoreContext, id: string): ClaimingWorkerRow {
  const v = ctx.rawSql(SELECT_CLAIMING).get(id) as [string, number, number, string, string, string, WorkerState, number, number | null] | undefined;
  if (!v) throw new NotFoundError(`worker ${id} does not exist`, 'id');
  const json = parsedJson(ctx, id, v[3], v[4], v[5]);
  return {
    spec: { id: v[0], cpus: v[1], memory_mb: v[2], gpus: json.gpus, tags: json.tags, gpuFree: json.gpuFree, state: v[6], stopRequested: v[7] === 1 },
    reservedFor: v[8],
  };
}

/** Parsed once per text; frozen, since every claim of the worker shares them. */
function parsedJson(ctx: CoreContext, id: string, gpusText: string, tagsText: string, gpuFreeText: string): ParsedJson {
  let byWorker = parsedByWorker.get(ctx);
  if (!byWorker) parsedByWorker.set(ctx, (byWorker = new Map()));
  const known = byWorker.get(id);
  if (known && known.gpusText === gpusText && known.tagsText === tagsText && known.gpuFreeText === gpuFreeText) return known;
  const parsed: ParsedJson = {
    gpusText,
    tagsText,
    gpuFreeText,
    gpus: Object.freeze((JSON.parse(gpusText) as GpuDevice[]).map((gpu) => Object.freeze(gpu))) as GpuDevice[],
    tags: Object.freeze(JSON.parse(tagsText) as string[]) as string[],
    gpuFree: Object.freeze(JSON.parse(gpuFreeText) as Record<string, number>),
  };
  byWorker.set(id, parsed);
  return parsed;
}

export function requireWorkerRow(ctx: CoreContext, id: string): WorkerRow {
  const row = ctx.sql('SELECT * FROM workers WHERE id = ?').get(id) as WorkerRow | undefined;
  if (!row) throw new NotFoundError(`worker ${id} does not exist`, 'id');
  return row;
}

export function toWorker(ctx: CoreContext, row: WorkerRow): Worker {
  const running = ctx.sql('SELECT COUNT(*) AS n FROM attempts WHERE worker_id = ? AND finished_at IS NULL').get(row.id) as { n: number };
  return {
    id: row.id,
    name: row.name,
    hostname: row.hostname,
    cpus: row.cpus,
    memory_mb: row.memory_mb,
    gpus: JSON.parse(row.gpus) as GpuDevice[],
    tags: JSON.parse(row.tags) as string[],
    version: row.version,
    state: row.state,
    stop_requested: row.stop_requested === 1,
    registered_at: row.registered_at,
    last_seen_at: row.last_seen_at,
    running: running.n,
    ...slurmPilotOf(ctx, row.name),
  };
}

/** The Slurm array task a pilot worker runs in, while squeue still shows it; nothing for other workers. */
function slurmPilotOf(ctx: CoreContext, name: string): Pick<Worker, 'slurm'> {
  const pilot = ctx.sql('SELECT cluster, slurm_job_id AS job_id, state, reason FROM slurm_pilots WHERE worker_name = ? LIMIT 1').get(name) as Worker['slurm'] | undefined;
  return pilot ? { slurm: pilot } : {};
}

/** What our open attempts hold on a worker (cancelled-but-still-exiting ones included). */
export function runningAllocations(ctx: CoreContext, workerId: string): Allocation[] {
  const rows = ctx.sql('SELECT cpus, memory_mb, gpus FROM attempts WHERE worker_id = ? AND finished_at IS NULL').all(workerId) as Array<{ cpus: number; memory_mb: number; gpus: string }>;
  return rows.map((r) => ({ cpus: r.cpus, memory_mb: r.memory_mb, gpus: JSON.parse(r.gpus) as Allocation['gpus'] }));
}

export function workerCapacity(ctx: CoreContext, spec: WorkerSpec, reported?: FreeResources): WorkerCapacity {
  return freeCapacity(spec, runningAllocations(ctx, spec.id), reported);
}
