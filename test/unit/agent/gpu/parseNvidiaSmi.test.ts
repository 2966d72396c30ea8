import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseComputeApps, parseGpuQuery, toGpuDevice, toGpuSample } from '../../../../src/agent/gpu/parseNvidiaSmi';
import { GpuDevice, GpuSample } from '../../../../src/shared';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/nvidia-smi', name), 'utf8');

describe('parseGpuQuery', () => {
  it('reads every field of two H100s', () => {
    const gpus = parseGpuQuery(fixture('h100-gpus.csv'));
    expect(gpus).toHaveLength(2);
    expect(gpus[0]).toEqual({
      index: 0,
      uuid: 'GPU-5b3c1a2e-8f44-2d1b-a6c3-9e0f1d2c3b4a',
      model: 'NVIDIA H100 80GB HBM3',
      memory_total_mb: 81559,
      memory_used_mb: 72411,
      memory_free_mb: 8566,
      utilization_pct: 98,
      temperature_c: 67,
      power_w: 612.37,
      power_limit_w: 700,
    });
    expect(gpus[1].index).toBe(1);
  });

  it('reads utilization as unknown on an A100 with MIG enabled', () => {
    const gpus = parseGpuQuery(fixture('a100-mig-gpus.csv'));
    expect(gpus.map((g) => g.model)).toEqual(['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB']);
    expect(gpus[0].utilization_pct).toBeNull();
    expect(gpus[0].memory_used_mb).toBe(10312);
    expect(gpus[1].utilization_pct).toBe(0);
  });

  it('reads a consumer RTX 4090', () => {
    const [gpu] = parseGpuQuery(fixture('rtx4090-gpus.csv'));
    expect(gpu).toMatchObject({ model: 'NVIDIA GeForce RTX 4090', memory_total_mb: 24564, utilization_pct: 87, power_limit_w: 450 });
  });

  it('reads [N/A] power on a Tesla T4 as null', () => {
    const [gpu] = parseGpuQuery(fixture('t4-gpus.csv'));
    expect(gpu).toMatchObject({ model: 'Tesla T4', power_w: null, power_limit_w: null, temperature_c: 42, memory_total_mb: 15360 });
  });

  it('reads a node with three models and [Not Supported] fields', () => {
    const gpus = parseGpuQuery(fixture('mixed-gpus.csv'));
    expect(gpus.map((g) => [g.index, g.model])).toEqual([
      [0, 'NVIDIA A100-SXM4-80GB'],
      [1, 'NVIDIA RTX A6000'],
      [2, 'Tesla V100-SXM2-32GB'],
    ]);
    expect(gpus[2]).toMatchObject({ utilization_pct: null, power_w: null, power_limit_w: null, temperature_c: 35 });
  });

  it('reads "No devices were found" as no GPU', () => {
    expect(parseGpuQuery(fixture('no-devices.txt'))).toEqual([]);
  });

  it('skips blank, short and garbled lines', () => {
    expect(parseGpuQuery('\n\nNVIDIA-SMI has failed\n0, GPU-x, T4\nx, GPU-y, T4, 1, 1, 1, 1, 1, 1, 1\n')).toEqual([]);
  });

  it('produces devices and samples the shared schemas accept', () => {
    for (const name of ['h100-gpus.csv', 'a100-mig-gpus.csv', 'rtx4090-gpus.csv', 't4-gpus.csv', 'mixed-gpus.csv']) {
      for (const gpu of parseGpuQuery(fixture(name))) {
        expect(GpuDevice.safeParse(toGpuDevice(gpu)).success).toBe(true);
        expect(GpuSample.safeParse(toGpuSample(gpu)).success).toBe(true);
      }
    }
  });
});

describe('parseComputeApps', () => {
  it('reads one process on an H100', () => {
    expect(parseComputeApps(fixture('h100-apps.csv'))).toEqual([
      { gpu_uuid: 'GPU-5b3c1a2e-8f44-2d1b-a6c3-9e0f1d2c3b4a', pid: 48213, used_memory_mb: 72402 },
    ]);
  });

  it('reads MIG processes whose memory the driver reports as [N/A]', () => {
    const apps = parseComputeApps(fixture('a100-mig-apps.csv'));
    expect(apps.map((a) => [a.pid, a.used_memory_mb])).toEqual([
      [30117, null],
      [30245, null],
    ]);
  });

  it('reads several processes on one GPU and [Not Supported] memory', () => {
    expect(parseComputeApps(fixture('rtx4090-apps.csv')).map((a) => a.used_memory_mb)).toEqual([412, 17804]);
    expect(parseComputeApps(fixture('mixed-apps.csv')).map((a) => [a.pid, a.used_memory_mb])).toEqual([
      [5120, 20100],
      [5188, 20110],
      [7781, null],
    ]);
  });

  it('reads an empty list as no process', () => {
    expect(parseComputeApps(fixture('no-apps.csv'))).toEqual([]);
  });
});
