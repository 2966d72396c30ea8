/**
 * What a Prometheus scrape reads from the database: cheap lookups only, so a scrape stays fast on
 * a million jobs. Job counts come from the trigger-kept job_counts table (never a scan of jobs);
 * GPUs from each live worker's newest raw sample (an index seek per worker).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuDevice, JobState, WorkerState } from '../../shared';
import type { CoreContext } from '../context';
import { DB_FILE } from '../store/database';

export interface FleetGauges {
  jobs: Array<{ project: string; state: JobState; count: number }>;
  workers: Array<{ state: WorkerState; count: number }>;
  gpus: GpuGauge[];
  /** Attempts preempted so far, per project (from the few preempted attempts, through their partial index). */
  preemptions: Array<{ project: string; count: number }>;
  database: { bytes: number; wal_bytes: number };
}

export interface GpuGauge {
  worker: string;
  gpu: number;
  model: string;
  utilization_pct: number | null;
  memory_used_mb: number | null;
  memory_total_mb: number | null;
  temperature_c: number | null;
  power_w: number | null;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function latestGpus(ctx: CoreContext): GpuGauge[] {
  const workers = ctx.sql("SELECT id, name, gpus FROM workers WHERE state <> 'offline' ORDER BY name").all() as Array<{ id: string; name: string; gpus: string }>;
  const gauges: GpuGauge[] = [];
  for (const worker of workers) {
    const models = new Map((JSON.parse(worker.gpus) as GpuDevice[]).map((g) => [g.index, g.model]));
    // One heartbeat writes all of a worker's GPUs with the same `at`, so the newest `at` is one full sample.
    const rows = ctx.sql(`SELECT gpu_index, utilization_pct, memory_used_mb, memory_total_mb, temperature_c, power_w FROM gpu_samples
      WHERE worker_id = ? AND bucket_ms = 0 AND at = (SELECT MAX(at) FROM gpu_samples WHERE worker_id = ? AND bucket_ms = 0) ORDER BY gpu_index`)
      .all(worker.id, worker.id) as Array<Omit<GpuGauge, 'worker' | 'gpu' | 'model'> & { gpu_index: number }>;
    for (const { gpu_index, ...values } of rows) gauges.push({ worker: worker.name, gpu: gpu_index, model: models.get(gpu_index) ?? '', ...values });
  }
  return gauges;
}

export function readFleetGauges(ctx: CoreContext): FleetGauges {
  const jobs = ctx.sql('SELECT p.name AS project, c.state, c.n AS count FROM job_counts c JOIN projects p ON p.id = c.project_id ORDER BY p.name, c.state').all() as FleetGauges['jobs'];
  const workers = ctx.sql('SELECT state, COUNT(*) AS count FROM workers GROUP BY state').all() as FleetGauges['workers'];
  const db = join(ctx.dataDir, DB_FILE);
  const preemptions = ctx.sql(`SELECT p.name AS project, COUNT(*) AS count FROM attempts a INDEXED BY attempts_preempted
    JOIN jobs j ON j.id = a.job_id JOIN projects p ON p.id = j.project_id
    WHERE a.outcome = 'preempted' AND a.finished_at IS NOT NULL GROUP BY p.name ORDER BY p.name`).all() as FleetGauges['preemptions'];
  return { jobs, workers, gpus: latestGpus(ctx), preemptions, database: { bytes: fileBytes(db), wal_bytes: fileBytes(`${db}-wal`) } };
}
