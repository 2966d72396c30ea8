import type { GpuSample, JobGpuUsage } from '../../shared';
import type { AgentLogger } from '../logger';
import { attributeGpuMemory, type JobProcessRoot } from './attributeGpuMemory';
import { toGpuSample } from './parseNvidiaSmi';
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
  ) {}

  async sample(): Promise<void> {
    try {
      const reading = await readNvidiaSmi(this.nvidiaSmi);
      this.samples = reading.gpus.map(toGpuSample);
      this.usage = attributeGpuMemory(reading.apps, reading.gpus, this.roots());
      this.driverFreeMb = new Map(reading.gpus.map((g) => [g.index, g.memory_free_mb]));
      this.failing = false;
    } catch (error) {
      // Old samples would show a wedged GPU as healthy; send none until nvidia-smi answers again.
      this.samples = [];
      this.usage = [];
      if (!this.failing) this.logger.warn('GPU telemetry failed', { error: String(error) });
      this.failing = true;
    }
  }
}
