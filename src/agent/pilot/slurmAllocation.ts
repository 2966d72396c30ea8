import type { HostResources } from '../detectResources';

/** What Slurm gave the job an agent runs in, read from the variables it sets in the job's environment. */
export interface SlurmAllocation {
  /** null: Slurm did not say; the host's count stands. */
  cpus: number | null;
  memoryMb: number | null;
  /** The GPUs of the allocation, as Slurm names them: indexes, or UUIDs (CUDA_VISIBLE_DEVICES may hold either). */
  gpus: string[];
}

const positive = (value: string | undefined): number | null => {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  const n = Number(value);
  return n > 0 ? n : null;
};

/** `0,1`, `0-3,6` or `GPU-…,GPU-…` as a list; Slurm writes `NoDevFiles` and similar when it has none to give. */
function deviceList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const devices: string[] = [];
  for (const item of items) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      for (let i = Number(range[1]); i <= Number(range[2]); i++) devices.push(String(i));
    } else if (/^\d+$/.test(item) || /^(GPU|MIG)-/.test(item)) {
      devices.push(item);
    }
  }
  return devices;
}

/**
 * The allocation of the Slurm job this process runs in, or null outside one (no SLURM_JOB_ID).
 * CPUs: SLURM_CPUS_PER_TASK (set with --cpus-per-task), else SLURM_CPUS_ON_NODE. Memory:
 * SLURM_MEM_PER_NODE (--mem), else SLURM_MEM_PER_CPU × CPUs. GPUs: SLURM_JOB_GPUS (the node's
 * indexes), else CUDA_VISIBLE_DEVICES; a job given no GPU sees neither, and gets none: the
 * node's GPUs belong to whoever Slurm gave them to.
 */
export function readSlurmAllocation(env: NodeJS.ProcessEnv): SlurmAllocation | null {
  if (!env.SLURM_JOB_ID) return null;
  const cpus = positive(env.SLURM_CPUS_PER_TASK) ?? positive(env.SLURM_CPUS_ON_NODE);
  const perCpu = positive(env.SLURM_MEM_PER_CPU);
  const memoryMb = positive(env.SLURM_MEM_PER_NODE) ?? (perCpu !== null && cpus !== null ? perCpu * cpus : null);
  const gpus = deviceList(env.SLURM_JOB_GPUS) ?? deviceList(env.CUDA_VISIBLE_DEVICES) ?? [];
  return { cpus, memoryMb, gpus };
}

/**
 * The host's resources cut down to the allocation. GPUs are matched by UUID or index; where the
 * node's cgroup hides the other GPUs, nvidia-smi shows only the allocated ones, renumbered from
 * 0, so when it shows exactly as many as Slurm gave, they are all ours whatever their numbers.
 */
export function withinAllocation(host: HostResources, allocation: SlurmAllocation): HostResources {
  const wanted = new Set(allocation.gpus);
  const gpus = host.gpus.length === wanted.size ? host.gpus : host.gpus.filter((gpu) => wanted.has(String(gpu.index)) || (gpu.uuid !== null && wanted.has(gpu.uuid)));
  return {
    ...host,
    cpus: allocation.cpus === null ? host.cpus : Math.min(allocation.cpus, host.cpus),
    memoryMb: allocation.memoryMb === null ? host.memoryMb : Math.min(allocation.memoryMb, host.memoryMb),
    gpus,
  };
}
