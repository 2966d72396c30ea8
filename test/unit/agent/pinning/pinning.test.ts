import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimedJob, JobSubmitInput } from '../../../../src/shared';
import { allowedCpus, formatCpuList, parseCpuList } from '../../../../src/agent/pinning/cpuList';
import { parseGpuAffinity } from '../../../../src/agent/pinning/gpuAffinity';
import { CorePinner, pinnedSpawn } from '../../../../src/agent/pinning/corePinner';
import type { JobProcessSpec } from '../../../../src/agent/jobs/jobProcess';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/nvidia-smi', name), 'utf8');

function claimed(cpus: number, gpus: number[] = []): ClaimedJob {
  const job = { id: 1, requirements: { cpus, gpus: gpus.length, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] } } as unknown as ClaimedJob['job'] & JobSubmitInput;
  return { job, attempt: 1, gpus: gpus.map((index) => ({ index, memory_mb: null })), cuda_visible_devices: gpus.join(','), lease_expires_at: 0, token: '' };
}

describe('CPU lists', () => {
  it('reads and writes the ranges Linux prints', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(formatCpuList([11, 0, 1, 2, 8, 10, 3])).toBe('0-3,8,10-11');
    expect(() => parseCpuList('N/A')).toThrow(/not a CPU list/);
    expect(allowedCpus('Name:\tnode\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3\n')).toEqual([0, 1, 2, 3]);
  });
});

describe('parseGpuAffinity', () => {
  it('reads the CPU Affinity column of a two-socket 8-GPU machine, escape codes and NIC rows included', () => {
    const affinity = parseGpuAffinity(fixture('topo-8gpu-two-nodes.txt'));
    expect([...affinity.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(formatCpuList(affinity.get(0) as number[])).toBe('0-47,96-143');
    expect(formatCpuList(affinity.get(7) as number[])).toBe('48-95,144-191');
  });

  it('reads a one-node machine and an older, space-padded layout', () => {
    expect(formatCpuList(parseGpuAffinity(fixture('topo-2gpu-one-node.txt')).get(1) as number[])).toBe('0-31');
    const older = parseGpuAffinity(fixture('topo-4gpu-older-spaces.txt'));
    expect(formatCpuList(older.get(0) as number[])).toBe('0-9,20-29');
    expect(formatCpuList(older.get(3) as number[])).toBe('10-19,30-39');
  });

  it('gives nothing for output without the column', () => {
    expect(parseGpuAffinity('No devices were found\n').size).toBe(0);
  });
});

describe('CorePinner', () => {
  it('gives each job cores of its own and takes them back when it ends', () => {
    const pinner = new CorePinner([0, 1, 2, 3]);
    const a = pinner.take(claimed(2)) as number[];
    const b = pinner.take(claimed(1.5)) as number[];
    expect(a).toEqual([0, 1]);
    expect(b).toEqual([2, 3]);
    expect(pinner.take(claimed(0.5))).toBeNull();
    pinner.release(a);
    expect(pinner.take(claimed(0))).toEqual([0]);
  });

  it("prefers the cores nvidia-smi topo puts next to a GPU job's GPUs", () => {
    const pinner = new CorePinner(parseCpuList('0-191'), parseGpuAffinity(fixture('topo-8gpu-two-nodes.txt')));
    expect(pinner.take(claimed(2, [6]))).toEqual([48, 49]);
    expect(pinner.take(claimed(2, [0]))).toEqual([0, 1]);
    expect(pinner.take(claimed(2))).toEqual([2, 3]);
  });

  it('runs a pinned job under taskset with GANTRY_CPUS', () => {
    let seen: JobProcessSpec | undefined;
    const spawn = pinnedSpawn((spec) => {
      seen = spec;
      return { pid: undefined, onData: () => undefined, onExit: () => undefined, kill: () => undefined };
    }, [4, 5, 6]);
    spawn({ argv: ['python', 'train.py'], cwd: '/', env: { A: '1' } });
    expect(seen).toEqual({ argv: ['taskset', '--cpu-list', '4-6', 'python', 'train.py'], cwd: '/', env: { A: '1', GANTRY_CPUS: '4-6' } });
  });
});
