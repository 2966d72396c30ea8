import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputCache, removeStagedInputs, stageInputs, type StageInput } from '../../../src/agent';
import { uploadDataset } from '../../../src/cli/artifacts/uploadDataset';
import { archiveKind, type Dataset } from '../../../src/shared';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

let server: ArtifactServer;
let tarball: Dataset;
let notes: Dataset;
beforeAll(async () => {
  server = await startArtifactServer();
  const tree = join(server.scratch, 'tree');
  mkdirSync(join(tree, 'corpus/part'), { recursive: true });
  writeFileSync(join(tree, 'corpus/a.txt'), 'alpha');
  writeFileSync(join(tree, 'corpus/part/b.txt'), 'beta');
  execFileSync('tar', ['czf', join(server.scratch, 'corpus.tar.gz'), '-C', tree, 'corpus']);
  tarball = await uploadDataset(server.admin, { path: join(server.scratch, 'corpus.tar.gz'), name: 'corpus', fileName: 'corpus.tar.gz' });
  writeFileSync(join(server.scratch, 'notes.txt'), 'read me');
  notes = await uploadDataset(server.admin, { path: join(server.scratch, 'notes.txt'), name: 'notes', fileName: 'notes.txt' });
});
afterAll(() => server.close());

/** A dataset as stageInputs takes it: pinned content plus the route that serves it. */
function refOf(dataset: Dataset): StageInput {
  return { source: `dataset:${dataset.name}`, name: dataset.file_name, sha256: dataset.sha256, size: dataset.size, archive: archiveKind(dataset.file_name), from: `/api/v1/datasets/${dataset.name}/file` };
}

function folder(name: string): string {
  const dir = join(server.scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('stageInputs', () => {
  it('copies a file and extracts a gzipped tar into the target folder, and removes only what it made', async () => {
    const dir = folder('plain');
    writeFileSync(join(dir, 'own.txt'), 'the job directory had this');
    const lines: string[] = [];
    const staged = await stageInputs([refOf(tarball), refOf(notes)], dir, { endpoint: server.admin, log: (line) => lines.push(line) });
    expect(readFileSync(join(dir, 'corpus/part/b.txt'), 'utf8')).toBe('beta');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('read me');
    expect(lines.join('')).toContain('gantry: staged dataset:corpus → extracted corpus.tar.gz');
    expect(readdirSync(dir).sort()).toEqual(['corpus', 'notes.txt', 'own.txt']);
    removeStagedInputs(dir, staged);
    expect(readdirSync(dir)).toEqual(['own.txt']);
  });

  it('refuses content whose bytes differ from the pinned sha256 and leaves nothing behind', async () => {
    const dir = folder('mismatch');
    const wrong = { ...refOf(notes), sha256: '0'.repeat(64) };
    await expect(stageInputs([refOf(tarball), wrong], dir, { endpoint: server.admin })).rejects.toThrow(/dataset:notes: the bytes hash to sha256 .* not the pinned 0{64}/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with a cache, downloads and extracts each content once and hard-links read-only files into every target', async () => {
    const cache = new InputCache(folder('cache'));
    const first = folder('cached-1');
    const second = folder('cached-2');
    await Promise.all([stageInputs([refOf(tarball)], first, { endpoint: server.admin, cache }), stageInputs([refOf(tarball)], first.replace('1', '1b'), { endpoint: server.admin, cache })]);
    expect(readdirSync(cache.dir).sort()).toEqual([`tree-${tarball.sha256}`, `tree-${tarball.sha256}.manifest`]);
    // The coordinator no longer serves it: a second target can only be filled from the cache.
    await server.call('DELETE', '/api/v1/datasets/corpus', server.tokens.admin);
    const staged = await stageInputs([refOf(tarball)], second, { endpoint: server.admin, cache });
    const cached = join(cache.dir, `tree-${tarball.sha256}`, 'corpus/a.txt');
    expect(statSync(join(second, 'corpus/a.txt')).ino).toBe(statSync(cached).ino);
    expect(statSync(cached).mode & 0o222).toBe(0);
    removeStagedInputs(second, staged);
    expect(existsSync(join(second, 'corpus'))).toBe(false);
    expect(readFileSync(cached, 'utf8')).toBe('alpha');
  });

  it('with a cache and copy, gives the target writable files of its own, so writing them leaves the cache as it was', async () => {
    const cache = new InputCache(folder('copy-cache'));
    const dir = folder('copied');
    await stageInputs([refOf(notes)], dir, { endpoint: server.admin, cache, copy: true });
    const staged = join(dir, 'notes.txt');
    const cached = join(cache.dir, `file-${notes.sha256}`);
    expect(statSync(staged).ino).not.toBe(statSync(cached).ino);
    expect(statSync(staged).mode & 0o200).toBe(0o200);
    writeFileSync(staged, 'edited by the job');
    const again = folder('copied-again');
    const lines: string[] = [];
    await stageInputs([refOf(notes)], again, { endpoint: server.admin, cache, log: (line) => lines.push(line) });
    expect(readFileSync(join(again, 'notes.txt'), 'utf8')).toBe('read me');
    expect(lines.join('')).toContain("dataset:notes → notes.txt (from the worker's cache)");
  });
});
