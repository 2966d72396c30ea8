import { cpus, hostname, totalmem } from 'node:os';
import type { GpuDevice } from '../shared';
import type { AgentLogger } from './logger';
import { readNvidiaSmi } from './gpu/readNvidiaSmi';
import { toGpuDevice } from './gpu/parseNvidiaSmi';

export interface HostResources {
  hostname: string;
  cpus: number;
  memoryMb: number;
  gpus: GpuDevice[];
}

/** What this host offers; a broken nvidia-smi is logged and counted as no GPU rather than keeping the agent down. */
export async function detectResources(nvidiaSmi: string, logger: AgentLogger): Promise<HostResources> {
  let gpus: GpuDevice[] = [];
  try {
    gpus = (await readNvidiaSmi(nvidiaSmi)).gpus.map(toGpuDevice);
  } catch (error) {
    logger.warn('could not read GPUs; registering without them', { error: String(error) });
  }
  return { hostname: hostname(), cpus: cpus().length, memoryMb: Math.floor(totalmem() / (1024 * 1024)), gpus };
}

/** Keeps only the GPUs this agent was given (`--gpus 0,1`); the others are left to whoever else uses the host. */
export function onlyGpus(resources: HostResources, indexes: readonly number[] | undefined): HostResources {
  if (indexes === undefined) return resources;
  return { ...resources, gpus: resources.gpus.filter((gpu) => indexes.includes(gpu.index)) };
}
