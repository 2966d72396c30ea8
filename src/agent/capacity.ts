import type { ClaimedJob, FreeResources } from '../shared';

/**
 * The jobs this worker holds, for its job-count limit. The coordinator keeps the books of
 * cpus, memory and GPUs (it pins GPUs per claim); the agent adds only what the coordinator
 * cannot know, the driver's view of GPU memory (see driverView).
 */
export class Capacity {
  private readonly held = new Map<string, ClaimedJob>();

  constructor(private readonly maxJobs: number) {}

  get running(): number {
    return this.held.size;
  }

  get slots(): number {
    return Math.max(0, this.maxJobs - this.held.size);
  }

  holds(key: string): boolean {
    return this.held.has(key);
  }

  hold(key: string, claimed: ClaimedJob): void {
    this.held.set(key, claimed);
  }

  release(key: string): void {
    this.held.delete(key);
  }
}

/**
 * What the driver says is free on each GPU. The coordinator caps its own books with it, so memory
 * held by processes that are not Gantry's counts. Only the driver's figure is sent: an agent-side
 * count of cpus or memory would go stale inside a claim long-poll and hold back work that fits.
 */
export function driverView(driverFreeMb: Map<number, number | null>): FreeResources {
  const gpus = [...driverFreeMb].filter((entry): entry is [number, number] => entry[1] !== null).map(([index, mb]) => ({ index, memory_free_mb: mb }));
  return { gpus };
}
