import { describe, expect, it } from 'vitest';
import { onlyGpus, type HostResources } from '../../../src/agent/detectResources';

const gpu = (index: number) => ({ index, uuid: `GPU-${index}`, model: 'A100', memory_total_mb: 81920, memory_free_mb: 81000 });
const host: HostResources = { hostname: 'box', cpus: 32, memoryMb: 256_000, gpus: [gpu(0), gpu(1), gpu(2), gpu(3)] };

describe('onlyGpus (gantry-agent --gpus)', () => {
  it('offers every GPU when no indexes were given', () => {
    expect(onlyGpus(host, undefined).gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);
  });

  it('offers only the GPUs whose indexes were given, keeping their own indexes', () => {
    expect(onlyGpus(host, [1, 3]).gpus.map((g) => g.index)).toEqual([1, 3]);
  });

  it('offers none when none of the given indexes exist here', () => {
    expect(onlyGpus(host, [7]).gpus).toEqual([]);
  });
});
