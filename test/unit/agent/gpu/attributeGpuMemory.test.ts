import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { attributeGpuMemory, readProcessLink, type ProcessLink } from '../../../../src/agent/gpu/attributeGpuMemory';
import type { ComputeApp, GpuReading } from '../../../../src/agent/gpu/parseNvidiaSmi';

const gpu = (index: number, uuid: string): GpuReading => ({
  index, uuid, model: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81559, memory_used_mb: 0, memory_free_mb: 81559,
  utilization_pct: 0, temperature_c: 30, power_w: 70, power_limit_w: 700,
});

describe('attributeGpuMemory', () => {
  it('sums the memory of a job’s descendants per GPU and ignores processes of no job', () => {
    // 100 is the job; 101 its child in another group; 102 a grandchild; 200 someone else's.
    const links = new Map<number, ProcessLink>([
      [101, { ppid: 100, pgrp: 101 }],
      [102, { ppid: 101, pgrp: 102 }],
      [200, { ppid: 1, pgrp: 200 }],
    ]);
    const apps: ComputeApp[] = [
      { gpu_uuid: 'GPU-a', pid: 101, used_memory_mb: 1000 },
      { gpu_uuid: 'GPU-a', pid: 102, used_memory_mb: 500 },
      { gpu_uuid: 'GPU-b', pid: 102, used_memory_mb: null },
      { gpu_uuid: 'GPU-a', pid: 200, used_memory_mb: 9000 },
    ];
    const usage = attributeGpuMemory(apps, [gpu(0, 'GPU-a'), gpu(1, 'GPU-b')], [{ job_id: 7, attempt: 2, pid: 100 }], (pid) => links.get(pid) ?? null);
    expect(usage).toEqual([
      { job_id: 7, attempt: 2, gpu_index: 0, memory_used_mb: 1500 },
      { job_id: 7, attempt: 2, gpu_index: 1, memory_used_mb: 0 },
    ]);
  });

  it.runIf(process.platform === 'linux')('finds a real grandchild of a job through /proc', async () => {
    const job = spawn('sh', ['-c', 'sh -c "sleep 30 & echo \\$!; wait"'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const grandchild = await new Promise<number>((resolve) => job.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
      expect(readProcessLink(grandchild)?.pgrp).toBe(job.pid);
      const usage = attributeGpuMemory([{ gpu_uuid: 'GPU-a', pid: grandchild, used_memory_mb: 42 }], [gpu(3, 'GPU-a')], [{ job_id: 1, attempt: 1, pid: job.pid as number }]);
      expect(usage).toEqual([{ job_id: 1, attempt: 1, gpu_index: 3, memory_used_mb: 42 }]);
    } finally {
      process.kill(-(job.pid as number), 'SIGKILL');
    }
  });
});
