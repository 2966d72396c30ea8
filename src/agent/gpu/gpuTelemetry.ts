import type { GpuSample, JobGpuUsage } from '../../shared';
import type { AgentLogger } from '../logger';
import { attributeGpuMemory, type JobProcessRoot } from './attributeGpuMemory';
import { toGpuSample, type GpuReading } from './parseNvidiaSmi';
import { readNvidiaSmi } from './readNvidiaSmi';

/** The latest nvidia-smi reading, kept for the next heartbeat to carry. */
export class GpuTelemetry {
  samples: GpuSample[] = [];
  usage: JobGpuUsage[] = [];
  /** index → free MiB as the driver sees it. */
  driverFreeMb = new Map<number, number | null>();
  private failing = false;

  constructor(
    private readonly nvidiaSmi: string,
    private readonly roots: () => JobProcessRoot[],
    private readonly logger: AgentLogger,
    /** The GPUs this agent was given (`--gpus 0,1`); default all. The others belong to whoever else uses the host. */
    private readonly gpuIndexes?: readonly number[],
  ) {}

  async sample(): Promise<void> {
    try {
      const reading = await readNvidiaSmi(this.nvidiaSmi);
      const gpus = this.ownGpus(reading.gpus);
      this.samples = gpus.map(toGpuSample);
      this.usage = attributeGpuMemory(reading.apps, gpus, this.roots());
      this.driverFreeMb = new Map(gpus.map((g) => [g.index, g.memory_free_mb]));
      this.failing = false;
    } catch (error) {
      // Old samples would show a wedged GPU as healthy; send none until nvidia-smi answers again.
      this.samples = [];
      this.usage = [];
      if (!this.failing) this.logger.warn('GPU telemetry failed', { error: String(error) });
      this.failing = true;
    }
  }

  private ownGpus(gpus: GpuReading[]): GpuReading[] {
    const indexes = this.gpuIndexes;
    return indexes === undefined ? gpus : gpus.filter((gpu) => indexes.includes(gpu.index));
  }
}
