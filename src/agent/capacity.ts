import type { ClaimedJob, FreeResources, GpuDevice } from '../shared';

/**
 * What this worker has free, in its own books: totals minus what the jobs it holds asked for.
 * The coordinator pins GPUs per claim (ClaimedJob.gpus): memory_mb null takes the whole GPU,
 * a number shares it while the declared memory fits.
 */
export class Capacity {
  private readonly held = new Map<string, ClaimedJob>();

  constructor(
    private readonly totals: { cpus: number; memoryMb: number; maxJobs: number; gpus: GpuDevice[] },
  ) {}

  get running(): number {
    return this.held.size;
  }

  get slots(): number {
    return Math.max(0, this.totals.maxJobs - this.held.size);
  }

  hold(key: string, claimed: ClaimedJob): void {
    this.held.set(key, claimed);
  }

  release(key: string): void {
    this.held.delete(key);
  }

  /** `driverFreeMb` (index → free MiB from the last sample) counts memory other users hold on idle GPUs. */
  free(driverFreeMb: Map<number, number | null> = new Map()): FreeResources {
    let cpus = this.totals.cpus;
    let memory = this.totals.memoryMb;
    const whole = new Set<number>();
    const declared = new Map<number, number>();
    for (const claimed of this.held.values()) {
      cpus -= claimed.job.requirements.cpus;
      memory -= claimed.job.requirements.memory_mb;
      for (const gpu of claimed.gpus) {
        if (gpu.memory_mb === null) whole.add(gpu.index);
        else declared.set(gpu.index, (declared.get(gpu.index) ?? 0) + gpu.memory_mb);
      }
    }
    const gpus: NonNullable<FreeResources['gpus']> = [];
    for (const device of this.totals.gpus) {
      if (whole.has(device.index)) continue;
      const used = declared.get(device.index);
      const driverFree = driverFreeMb.get(device.index) ?? device.memory_free_mb;
      // A shared GPU's own jobs already show in the driver's figure; only an idle GPU's driver figure is other users'.
      const free = used === undefined ? (driverFree ?? device.memory_total_mb) : device.memory_total_mb - used;
      gpus.push({ index: device.index, memory_free_mb: Math.max(0, free) });
    }
    return { cpus: Math.max(0, cpus), memory_mb: Math.max(0, memory), gpus };
  }
}
