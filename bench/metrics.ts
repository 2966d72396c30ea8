/**
 * `npm run bench -- metrics`: how long `GET /metrics` takes on a big fleet: 10 × --jobs jobs
 * (1,000,000 by default) in 8 projects and mixed states, 8 workers of 8 GPUs (64) with fresh
 * samples, timed over HTTP on loopback the way Prometheus scrapes it. Goal: p95 under 50 ms.
 */
import { createCoordinator } from '../src/core';
import { startServer } from '../src/server';
import type { FigureLog } from './lib/figures';
import { elapsedMs, percentile } from './lib/stats';
import { makeTempDir } from './lib/tempDir';
import { benchProjects, submitInChunks, sweepJob } from './queue/benchJobs';

const WORKERS = 8;
const GPUS_PER_WORKER = 8;
const SCRAPES = 200;

/** The bench's clock: heartbeats are replayed 3 s apart, ending at the real now, as a live fleet writes them. */
const clock = { at: Date.now() };

function addGpuWorkers(coordinator: ReturnType<typeof createCoordinator>): void {
  for (let w = 0; w < WORKERS; w++) {
    clock.at = Date.now() - 300 * 3_000;
    const gpus = Array.from({ length: GPUS_PER_WORKER }, (_, index) => ({ index, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81_559 }));
    const id = coordinator.registerWorker({ name: `gpu-${w}`, cpus: 96, memory_mb: 1_000_000, gpus }).id;
    // A quarter of an hour of heartbeats every 3 s, as the raw window keeps them.
    for (let beat = 0; beat < 300; beat++, clock.at += 3_000) {
      coordinator.heartbeat(id, {
        gpu_samples: gpus.map((g) => ({ index: g.index, utilization_pct: (beat * 7 + g.index) % 100, memory_used_mb: 40_000, memory_total_mb: 81_559, temperature_c: 60, power_w: 450 })),
      });
    }
  }
}

export async function runMetricsBench(log: FigureLog, jobs: number): Promise<void> {
  const dir = makeTempDir('metrics');
  const size = jobs * 10;
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null, now: () => clock.at });
  try {
    for (const name of benchProjects()) coordinator.createProject({ name });
    submitInChunks((specs) => coordinator.submitBatch(specs), size, sweepJob);
    for (const job of coordinator.listJobs({ state: 'queued', limit: 1_000 }).jobs) coordinator.cancel(job.id, 'bench');
    addGpuWorkers(coordinator);
    clock.at = Date.now();
    log.record('metrics.jobs', size, 'jobs');
    log.record('metrics.gpus', WORKERS * GPUS_PER_WORKER, 'gpus');

    const token = coordinator.createToken({ name: 'bench', scope: 'metrics' }).token;
    const server = await startServer({ coordinator, logger: false });
    try {
      const scrape = async (): Promise<number> => {
        const start = performance.now();
        const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        const text = await response.text();
        if (response.status !== 200 || !text.includes('gantry_gpu_utilization_ratio')) throw new Error(`scrape failed: ${response.status} ${text.slice(0, 200)}`);
        return elapsedMs(start);
      };
      for (let i = 0; i < 10; i++) await scrape();
      const samples: number[] = [];
      for (let i = 0; i < SCRAPES; i++) samples.push(await scrape());
      log.record('metrics.scrape.p50_ms', percentile(samples, 50), 'ms');
      log.record('metrics.scrape.p95_ms', percentile(samples, 95), 'ms');
      log.record('metrics.scrape.max_ms', Math.max(...samples), 'ms');
    } finally {
      await server.close();
    }
  } finally {
    coordinator.close();
    dir.remove();
  }
}
