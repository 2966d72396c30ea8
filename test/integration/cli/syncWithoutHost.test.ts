import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
let scratch: string;
let project: string;
beforeAll(async () => {
  t = await startTestCoordinator();
  scratch = mkdtempSync(join(tmpdir(), 'gantry-cli-sync-'));
  project = join(scratch, 'proj');
  mkdirSync(join(project, 'build'), { recursive: true });
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, '.gitignore'), 'build/\nsecret.txt\n');
  writeFileSync(join(project, 'data.txt'), 'synced\n');
  writeFileSync(join(project, 'src', 'nested.txt'), 'deep\n');
  writeFileSync(join(project, 'secret.txt'), 'never leaves\n');
  writeFileSync(join(project, 'build', 'big.bin'), 'ignored\n');
  writeFileSync(join(project, 'run.sh'), '#!/bin/sh\necho ran-from-copy\n');
  chmodSync(join(project, 'run.sh'), 0o755);
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const syncedDatasets = () => t.coordinator.artifacts.listDatasets().filter((d) => d.name.startsWith('sync-'));

/** Reads the synced files, checks what .gitignore left out, runs the executable and writes beside them. */
const CHECK_COPY = [
  'test "$(cat data.txt)" = synced',
  'test "$(cat src/nested.txt)" = deep',
  'test ! -e secret.txt',
  'test ! -e build',
  './run.sh',
  'echo out > result.txt',
  'pwd',
].join(' && ');

describe('gantry submit|sweep --sync DIR without --host', () => {
  it('packs DIR minus its .gitignore matches, and the job runs on a worker in its own copy of it', { timeout: 240_000 }, async () => {
    const result = await t.gantry(['submit', '--sync', project, '--', 'sh', '-c', CHECK_COPY]);
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stderr.toString()).toMatch(/packed .*proj as dataset:sync-[0-9a-f]{32} \(4 files/);
    const id = Number(stdoutText(result).trim());
    const job = t.coordinator.getJob(id);
    expect(job.cwd).toBeNull();
    expect(job.inputs).toEqual([expect.objectContaining({ source: expect.stringMatching(/^dataset:sync-/), archive: 'tar', workdir: true })]);
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(id).state), 'the synced job to end', 120_000);
    const log = t.coordinator.readLog(id, 1, 0).data.toString();
    expect(t.coordinator.getJob(id).state, log).toBe('succeeded');
    expect(log).toContain('ran-from-copy');
    expect(log).not.toContain(`${project}\n`);
    // The job wrote into its copy, never into the directory it was synced from.
    expect(existsSync(join(project, 'result.txt'))).toBe(false);
    expect(syncedDatasets()).toHaveLength(1);
  });

  it('stores a 100-job sweep of one directory once, and each worker extracts it once', { timeout: 300_000 }, async () => {
    const stored = syncedDatasets();
    const blobsBefore = new Set(t.coordinator.artifacts.listDatasets().map((d) => d.sha256)).size;
    const result = await t.gantry(['sweep', 'sh -c "test $(cat data.txt) = synced && echo job-{i}"', '--param', 'i=1..100', '--sync', project]);
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stderr.toString()).toMatch(/proj is stored already as dataset:sync-/);
    expect(syncedDatasets()).toEqual(stored);
    expect(new Set(t.coordinator.artifacts.listDatasets().map((d) => d.sha256)).size).toBe(blobsBefore);
    const jobs = t.coordinator.listJobs({ limit: 1000 }).jobs.filter((j) => j.params.i !== undefined);
    expect(jobs).toHaveLength(100);
    expect(new Set(jobs.map((j) => j.inputs?.[0]?.sha256))).toEqual(new Set([stored[0].sha256]));
    await waitFor(() => jobs.every((j) => ['succeeded', 'failed'].includes(t.coordinator.getJob(j.id).state)), 'the sweep to end', 240_000);
    for (const j of jobs) expect(t.coordinator.getJob(j.id).state, t.coordinator.readLog(j.id, 1, 0).data.toString()).toBe('succeeded');
    // The worker's input cache holds the extracted tree once, with no scratch copies left behind.
    const cache = readdirSync(join(t.dataDir, 'spool-1', 'inputs')).filter((name) => !name.endsWith('.manifest'));
    expect(cache).toEqual([`tree-${stored[0].sha256}`]);
  });

  it('refuses a sync that is not a packed directory, naming the field', async () => {
    const file = join(scratch, 'plain.txt');
    writeFileSync(file, 'x');
    const put = await t.gantry(['datasets', 'put', file]);
    expect(put.code, put.stderr.toString()).toBe(0);
    await expect(Promise.resolve().then(() => t.coordinator.submit({ command: ['true'], sync: 'dataset:plain.txt' }))).rejects.toMatchObject({ field: 'sync' });
    await expect(Promise.resolve().then(() => t.coordinator.submit({ command: ['true'], sync: 'dataset:nothing-here' }))).rejects.toMatchObject({ field: 'sync' });
    await expect(Promise.resolve().then(() => t.coordinator.submit({ command: ['true'], cwd: '/tmp', sync: stored() }))).rejects.toMatchObject({ field: 'cwd' });
  });
});

const stored = (): string => `dataset:${syncedDatasets()[0].name}`;
