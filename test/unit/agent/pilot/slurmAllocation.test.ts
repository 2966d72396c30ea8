import { describe, expect, it } from 'vitest';
import type { HostResources } from '../../../../src/agent/detectResources';
import { readSlurmAllocation, withinAllocation } from '../../../../src/agent/pilot/slurmAllocation';

const gpu = (index: number) => ({ index, uuid: `GPU-uuid-${index}`, model: 'A100', memory_total_mb: 81920, memory_free_mb: 81000 });
const node: HostResources = { hostname: 'gpu-node-7', cpus: 64, memoryMb: 512_000, gpus: [0, 1, 2, 3, 4, 5, 6, 7].map(gpu) };

/** Environments as sbatch sets them, per the sbatch manual's OUTPUT ENVIRONMENT VARIABLES. */
const fixtures = {
  cpusPerTaskAndMem: { SLURM_JOB_ID: '4711', SLURM_CPUS_ON_NODE: '8', SLURM_CPUS_PER_TASK: '8', SLURM_MEM_PER_NODE: '32000', SLURM_JOB_GPUS: '2,3', CUDA_VISIBLE_DEVICES: '0,1' },
  onNodeOnly: { SLURM_JOB_ID: '4712', SLURM_CPUS_ON_NODE: '4', SLURM_MEM_PER_CPU: '2000' },
  gpuRange: { SLURM_JOB_ID: '4713', SLURM_CPUS_ON_NODE: '16', SLURM_JOB_GPUS: '4-6' },
  uuids: { SLURM_JOB_ID: '4714', SLURM_CPUS_ON_NODE: '2', CUDA_VISIBLE_DEVICES: 'GPU-uuid-5' },
  wholeNodeMemory: { SLURM_JOB_ID: '4715', SLURM_CPUS_ON_NODE: '64', SLURM_MEM_PER_NODE: '0' },
};

describe('readSlurmAllocation (a pilot offers what Slurm gave it)', () => {
  it('reads nothing outside a Slurm job', () => {
    expect(readSlurmAllocation({ CUDA_VISIBLE_DEVICES: '0', SLURM_CPUS_ON_NODE: '4' })).toBeNull();
  });

  it('takes --cpus-per-task, --mem and the GPUs of SLURM_JOB_GPUS', () => {
    expect(readSlurmAllocation(fixtures.cpusPerTaskAndMem)).toEqual({ cpus: 8, memoryMb: 32000, gpus: ['2', '3'] });
  });

  it('falls back to SLURM_CPUS_ON_NODE and memory per CPU, and to no GPU when Slurm gave none', () => {
    expect(readSlurmAllocation(fixtures.onNodeOnly)).toEqual({ cpus: 4, memoryMb: 8000, gpus: [] });
  });

  it('expands GPU ranges and keeps UUIDs', () => {
    expect(readSlurmAllocation(fixtures.gpuRange)?.gpus).toEqual(['4', '5', '6']);
    expect(readSlurmAllocation(fixtures.uuids)?.gpus).toEqual(['GPU-uuid-5']);
  });

  it('leaves memory to the node when Slurm says 0 (the whole node)', () => {
    expect(readSlurmAllocation(fixtures.wholeNodeMemory)?.memoryMb).toBeNull();
  });
});

describe('withinAllocation', () => {
  it('registers the allocated CPUs, memory and GPUs instead of the node\'s', () => {
    const host = withinAllocation(node, readSlurmAllocation(fixtures.cpusPerTaskAndMem)!);
    expect(host).toMatchObject({ cpus: 8, memoryMb: 32000 });
    expect(host.gpus.map((g) => g.index)).toEqual([2, 3]);
  });

  it('offers no GPU of the node when the job was given none', () => {
    expect(withinAllocation(node, readSlurmAllocation(fixtures.onNodeOnly)!).gpus).toEqual([]);
  });

  it('matches GPUs by UUID', () => {
    expect(withinAllocation(node, readSlurmAllocation(fixtures.uuids)!).gpus.map((g) => g.index)).toEqual([5]);
  });

  it('keeps every GPU nvidia-smi shows when the cgroup already hides the others (renumbered from 0)', () => {
    const constrained: HostResources = { ...node, gpus: [gpu(0), gpu(1)] };
    expect(withinAllocation(constrained, readSlurmAllocation(fixtures.cpusPerTaskAndMem)!).gpus.map((g) => g.index)).toEqual([0, 1]);
  });

  it('never offers more than the node has', () => {
    const small: HostResources = { ...node, cpus: 4, memoryMb: 16_000 };
    expect(withinAllocation(small, readSlurmAllocation(fixtures.cpusPerTaskAndMem)!)).toMatchObject({ cpus: 4, memoryMb: 16_000 });
  });
});
