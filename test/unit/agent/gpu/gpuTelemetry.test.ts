import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpuTelemetry } from '../../../../src/agent/gpu/gpuTelemetry';
import { silentLogger } from '../../../../src/agent/logger';

const fixtures = join(__dirname, '../../../fixtures/nvidia-smi');
const fake = join(fixtures, 'fake-nvidia-smi');
/** The job whose process group leads the pids on GPU 0 (5120, 5188) and GPU 1 (7781) in mixed-apps.csv. */
const roots = () => [5120, 5188, 7781].map((pid) => ({ job_id: pid, attempt: 1, pid }));

describe('GpuTelemetry (what heartbeats carry of nvidia-smi)', () => {
  beforeEach(() => {
    // Three GPUs (A100, RTX A6000, V100) with processes on 0 and 1, recorded from a real machine.
    process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'mixed-gpus.csv');
    process.env.GANTRY_FAKE_SMI_APPS = join(fixtures, 'mixed-apps.csv');
  });
  afterEach(() => {
    delete process.env.GANTRY_FAKE_SMI_GPUS;
    delete process.env.GANTRY_FAKE_SMI_APPS;
  });

  it('reports every GPU of the host when the agent was given no --gpus', async () => {
    const telemetry = new GpuTelemetry(fake, roots, silentLogger);
    await telemetry.sample();
    expect(telemetry.samples.map((s) => s.index)).toEqual([0, 1, 2]);
    expect([...telemetry.driverFreeMb.keys()]).toEqual([0, 1, 2]);
    expect(telemetry.usage.map((u) => u.gpu_index).sort()).toEqual([0, 0, 1]);
  });

  it('reports only the GPUs given with --gpus: samples, driver free memory and job usage', async () => {
    const telemetry = new GpuTelemetry(fake, roots, silentLogger, [1, 2]);
    await telemetry.sample();
    expect(telemetry.samples.map((s) => s.index)).toEqual([1, 2]);
    expect(telemetry.samples[0]).toMatchObject({ index: 1, memory_total_mb: 49140 });
    expect([...telemetry.driverFreeMb.keys()]).toEqual([1, 2]);
    expect(telemetry.usage.map((u) => [u.job_id, u.gpu_index])).toEqual([[7781, 1]]);
  });

  it('reports no GPU when none of the given indexes exist on the host', async () => {
    const telemetry = new GpuTelemetry(fake, roots, silentLogger, [7]);
    await telemetry.sample();
    expect(telemetry.samples).toEqual([]);
    expect(telemetry.usage).toEqual([]);
  });
});
