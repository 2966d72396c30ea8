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
