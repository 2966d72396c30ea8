import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNvidiaSmi } from '../../../../src/agent/gpu/readNvidiaSmi';

const fixtures = join(__dirname, '../../../fixtures/nvidia-smi');
const fake = join(fixtures, 'fake-nvidia-smi');

describe('readNvidiaSmi', () => {
  afterEach(() => {
    delete process.env.GANTRY_FAKE_SMI_GPUS;
    delete process.env.GANTRY_FAKE_SMI_APPS;
  });

  it('reads GPUs and their processes from the binary', async () => {
    process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'mixed-gpus.csv');
    process.env.GANTRY_FAKE_SMI_APPS = join(fixtures, 'mixed-apps.csv');
    const reading = await readNvidiaSmi(fake);
    expect(reading.gpus).toHaveLength(3);
    expect(reading.apps).toHaveLength(3);
  });

  it('reads a host whose driver finds no device (exit code 6) as no GPU', async () => {
    expect(await readNvidiaSmi(fake)).toEqual({ gpus: [], apps: [] });
  });

  it('reads a host without nvidia-smi as no GPU', async () => {
    expect(await readNvidiaSmi('/nonexistent/nvidia-smi')).toEqual({ gpus: [], apps: [] });
  });

  it('rejects when nvidia-smi fails for another reason', async () => {
    await expect(readNvidiaSmi('false')).rejects.toThrow(/false failed/);
  });
});
