import type { FreeResources, GpuDevice, Requirements } from '../../shared';

/** What one GPU can still give: whole (nothing of ours on it) or shared memory left. */
export interface GpuSlot {
  index: number;
  model: string;
  totalMb: number;
  /** Memory left for jobs that declare gpu_memory_mb. */
  freeMb: number;
  /** True while no job of ours holds it: a whole-GPU job may take it. */
  idle: boolean;
}

export interface WorkerCapacity {
  cpus: number;
  memoryMb: number;
  gpus: GpuSlot[];
  tags: Set<string>;
}

export interface Allocation {
  cpus: number;
  memory_mb: number;
  gpus: Array<{ index: number; memory_mb: number | null }>;
}

/** Capacity left on a worker: its totals minus what our running attempts hold, capped by what it reports free. */
export function freeCapacity(
  worker: { cpus: number; memory_mb: number; gpus: GpuDevice[]; tags: string[]; gpuFree: Record<string, number> },
  running: Allocation[],
  reported?: FreeResources,
): WorkerCapacity {
  let cpus = worker.cpus;
  let memoryMb = worker.memory_mb;
  const slots = new Map<number, GpuSlot>();
  for (const gpu of worker.gpus) {
    slots.set(gpu.index, { index: gpu.index, model: gpu.model, totalMb: gpu.memory_total_mb, freeMb: gpu.memory_total_mb, idle: true });
  }
  for (const a of running) {
    cpus -= a.cpus;
    memoryMb -= a.memory_mb;
    for (const g of a.gpus) {
      const slot = slots.get(g.index);
      if (!slot) continue;
      slot.idle = false;
      slot.freeMb = g.memory_mb === null ? 0 : slot.freeMb - g.memory_mb;
    }
  }
  if (reported?.cpus !== undefined) cpus = Math.min(cpus, reported.cpus);
  if (reported?.memory_mb !== undefined) memoryMb = Math.min(memoryMb, reported.memory_mb);
  for (const slot of slots.values()) {
    const driverFree = reported?.gpus?.find((g) => g.index === slot.index)?.memory_free_mb ?? worker.gpuFree[slot.index];
    // The driver's view also counts processes that are not ours; trust the smaller of the two.
    if (driverFree !== undefined && driverFree !== null) slot.freeMb = Math.min(slot.freeMb, driverFree);
    slot.freeMb = Math.max(0, slot.freeMb);
  }
  return { cpus, memoryMb, gpus: [...slots.values()], tags: new Set(worker.tags) };
}

function modelMatches(model: string, wanted: string[]): boolean {
  if (wanted.length === 0) return true;
  const lower = model.toLowerCase();
  return wanted.some((w) => lower.includes(w.toLowerCase()));
}

export function hasTags(capacity: { tags: Set<string> }, req: Requirements): boolean {
  return req.tags.every((t) => capacity.tags.has(t));
}

/**
 * Picks GPUs for a job, or null if they don't fit. Shared jobs go best-fit (the fullest GPU
 * that still fits) so whole GPUs stay free for jobs that need them.
 */
export function pickGpus(gpus: GpuSlot[], req: Requirements): Allocation['gpus'] | null {
  if (req.gpus === 0) return [];
  const candidates = gpus.filter((g) => modelMatches(g.model, req.gpu_models));
  if (req.gpu_memory_mb === null) {
    const idle = candidates.filter((g) => g.idle).slice(0, req.gpus);
    return idle.length === req.gpus ? idle.map((g) => ({ index: g.index, memory_mb: null })) : null;
  }
  const need = req.gpu_memory_mb;
  const fitting = candidates.filter((g) => g.freeMb >= need).sort((a, b) => a.freeMb - b.freeMb || a.index - b.index);
  if (fitting.length < req.gpus) return null;
  return fitting.slice(0, req.gpus).map((g) => ({ index: g.index, memory_mb: need }));
}

/** Tries to fit a job into free capacity; on success subtracts it and returns the allocation. */
export function allocate(capacity: WorkerCapacity, req: Requirements): Allocation | null {
  if (!hasTags(capacity, req)) return null;
  if (req.cpus > capacity.cpus + 1e-9 || req.memory_mb > capacity.memoryMb) return null;
  const gpus = pickGpus(capacity.gpus, req);
  if (gpus === null) return null;
  capacity.cpus -= req.cpus;
  capacity.memoryMb -= req.memory_mb;
  for (const g of gpus) {
    const slot = capacity.gpus.find((s) => s.index === g.index) as GpuSlot;
    slot.idle = false;
    slot.freeMb = g.memory_mb === null ? 0 : slot.freeMb - g.memory_mb;
  }
  return { cpus: req.cpus, memory_mb: req.memory_mb, gpus };
}

/** The worker's whole capacity as if idle: could this job ever run there? */
export function couldEverFit(worker: { cpus: number; memory_mb: number; gpus: GpuDevice[]; tags: string[] }, req: Requirements): boolean {
  return allocate(freeCapacity({ ...worker, gpuFree: {} }, []), req) !== null;
}
