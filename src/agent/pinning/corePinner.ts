import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { ClaimedJob } from '../../shared';
import type { JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import { allowedCpus, formatCpuList } from './cpuList';

/** The cores this agent may use: its own affinity on Linux, else every core. */
export function agentCores(): number[] {
  try {
    const allowed = allowedCpus(readFileSync('/proc/self/status', 'utf8'));
    if (allowed && allowed.length > 0) return allowed;
  } catch {
    // Not Linux: every core the OS reports.
  }
  return cpus().map((_, index) => index);
}

/**
 * `--pin-cpus`: each job gets cores of its own (as many as it asked CPUs for, at least one), never
 * shared with another job on this worker while it runs; a GPU job takes the cores closest to its
 * GPUs first (nvidia-smi topo). Jobs run under `taskset -c` and see the list as GANTRY_CPUS.
 */
export class CorePinner {
  private readonly free: Set<number>;

  constructor(
    cores: readonly number[],
    private readonly gpuAffinity: Map<number, number[]> = new Map(),
  ) {
    this.free = new Set(cores);
  }

  /** Cores for this job, taken until `release`; null when too few are free to keep jobs apart. */
  take(claimed: ClaimedJob): number[] | null {
    const count = Math.max(1, Math.ceil(claimed.job.requirements.cpus - 1e-9));
    if (this.free.size < count) return null;
    const near = new Set(claimed.gpus.flatMap((gpu) => this.gpuAffinity.get(gpu.index) ?? []));
    const order = [...this.free].sort((a, b) => Number(near.has(b)) - Number(near.has(a)) || a - b);
    const chosen = order.slice(0, count);
    for (const core of chosen) this.free.delete(core);
    return chosen.sort((a, b) => a - b);
  }

  release(cores: readonly number[]): void {
    for (const core of cores) this.free.add(core);
  }
}

/** The spawn of a pinned job: under `taskset -c LIST`, with GANTRY_CPUS=LIST. */
export function pinnedSpawn(spawnJob: SpawnJob, cores: readonly number[]): SpawnJob {
  const list = formatCpuList(cores);
  return (spec: JobProcessSpec) => spawnJob({ ...spec, argv: ['taskset', '--cpu-list', list, ...spec.argv], env: { ...spec.env, GANTRY_CPUS: list } });
}
