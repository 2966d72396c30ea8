import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const LAB = { name: 'lab', context: 'lab-ctx', image: 'python:3.12' };

describe('Kubernetes clusters in the database', () => {
  it('stores a cluster with its defaults, updates it in place and removes it', () => {
    expect(h.c.kubernetes.save(LAB)).toMatchObject({ name: 'lab', namespace: 'default', max_jobs: 8, gpus: 0, error: null, worker_id: null });
    h.c.kubernetes.save({ ...LAB, namespace: 'research' });
    expect(h.c.kubernetes.list().map((c) => [c.name, c.namespace])).toEqual([['lab', 'research']]);
    h.c.kubernetes.remove('lab');
    expect(h.c.kubernetes.list()).toEqual([]);
  });

  it('refuses a bad cluster naming the field, and stores nothing', () => {
    expect(() => h.c.kubernetes.save({ ...LAB, namespace: 'Not A Label' })).toThrow(expect.objectContaining({ field: 'namespace' }));
    expect(() => h.c.kubernetes.save({ ...LAB, image: '' })).toThrow(expect.objectContaining({ field: 'image' }));
    expect(h.c.kubernetes.list()).toEqual([]);
  });

  it('answers not found naming the cluster', () => {
    expect(() => h.c.kubernetes.get('nope')).toThrow(expect.objectContaining({ code: 'not_found', field: 'name' }));
    expect(() => h.c.kubernetes.remove('nope')).toThrow(/nope does not exist/);
  });

  it('shows the bridge worker once it has registered', () => {
    h.c.kubernetes.save(LAB);
    const worker = h.c.registerWorker({ name: 'k8s-lab', cpus: 8, memory_mb: 32_000, tags: ['k8s:lab'] });
    expect(h.c.kubernetes.get('lab')).toMatchObject({ worker_id: worker.id, worker_state: 'online' });
  });

  it('imports the old k8s-clusters.json once, keeping clusters the table has, and never brings back one removed since', () => {
    h.c.kubernetes.save({ ...LAB, namespace: 'kept' });
    writeFileSync(join(h.dataDir, 'k8s-clusters.json'), JSON.stringify([{ ...LAB, namespace: 'from-file' }, { name: 'old', context: 'ctx', namespace: 'default', image: 'node:20-slim', max_jobs: 2, gpus: 0, gpu_model: 'GPU', gpu_memory_mb: 81_920, cpus: 4, memory_mb: 8192 }]));
    h.reopen();
    expect(h.c.kubernetes.list().map((c) => [c.name, c.namespace])).toEqual([['lab', 'kept'], ['old', 'default']]);
    expect(existsSync(join(h.dataDir, 'k8s-clusters.json'))).toBe(false);
    h.c.kubernetes.remove('old');
    h.reopen();
    expect(h.c.kubernetes.list().map((c) => c.name)).toEqual(['lab']);
  });

  it('refuses an old file with a bad entry at open, naming the file and the field', () => {
    writeFileSync(join(h.dataDir, 'k8s-clusters.json'), JSON.stringify([{ ...LAB, name: 'Bad Name' }]));
    expect(() => h.reopen()).toThrow(expect.objectContaining({ field: 'k8s-clusters.json.0.name' }));
  });
});
