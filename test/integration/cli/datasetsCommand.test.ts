import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
let scratch: string;
beforeAll(async () => {
  t = await startTestCoordinator();
  scratch = mkdtempSync(join(tmpdir(), 'gantry-cli-datasets-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const result = await t.gantry(args);
  expect(result.code, result.stderr).toBe(0);
  return stdoutText(result);
}

describe('gantry datasets', () => {
  it('puts a CSV, lists and shows its rows and columns, downloads it checked, and deletes it', { timeout: 240_000 }, async () => {
    writeFileSync(join(scratch, 'scores.csv'), 'name,score\nada,3\nbob,4\n');
    expect(await ok(['datasets', 'put', join(scratch, 'scores.csv'), '--description', 'two players'])).toContain('csv, 2 rows × 2 columns');
    expect(await ok(['datasets', 'ls'])).toMatch(/scores\.csv\s+csv\s+\S+ B\s+2 rows × 2 columns/);
    const shown = JSON.parse(await ok(['datasets', 'show', 'scores.csv', '--json']));
    expect(shown).toMatchObject({ name: 'scores.csv', format: 'csv', rows: 2, columns: ['name', 'score'], files: null, description: 'two players' });
    await ok(['datasets', 'get', 'scores.csv', '-o', join(scratch, 'copy.csv')]);
    expect(readFileSync(join(scratch, 'copy.csv'), 'utf8')).toBe('name,score\nada,3\nbob,4\n');
    await ok(['datasets', 'rm', 'scores.csv']);
    const gone = await t.gantry(['datasets', 'show', 'scores.csv']);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/no dataset named scores\.csv/);
  });

  it('packs a directory as NAME.tar.gz with its file count, and a job given it finds NAME/ in its directory', { timeout: 240_000 }, async () => {
    mkdirSync(join(scratch, 'corpus/sub'), { recursive: true });
    writeFileSync(join(scratch, 'corpus/a.txt'), 'alpha');
    writeFileSync(join(scratch, 'corpus/sub/b.txt'), 'beta');
    const put = JSON.parse(await ok(['datasets', 'put', join(scratch, 'corpus'), '--name', 'corpus', '--json']));
    expect(put).toMatchObject({ name: 'corpus', file_name: 'corpus.tar.gz', format: 'tar', files: 2 });
    await t.startWorker();
    const cwd = join(scratch, 'job');
    mkdirSync(cwd);
    const id = Number((await ok(['submit', '--cwd', cwd, '--input', 'dataset:corpus', '--', 'sh', '-c', 'test "$(cat corpus/sub/b.txt)" = beta'])).trim());
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(id).state), 'the job to end', 120_000);
    expect(t.coordinator.getJob(id).state, t.coordinator.readLog(id, 1, 0).data.toString()).toBe('succeeded');
  });

  it('refuses a second dataset under a taken name and a file that is not what its name says, with the reason', { timeout: 120_000 }, async () => {
    writeFileSync(join(scratch, 'one.jsonl'), '{"a":1}\n');
    await ok(['datasets', 'put', join(scratch, 'one.jsonl')]);
    const taken = await t.gantry(['datasets', 'put', join(scratch, 'one.jsonl')]);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toMatch(/a dataset named one\.jsonl exists/);
    writeFileSync(join(scratch, 'bad.jsonl'), 'not json\n');
    const bad = await t.gantry(['datasets', 'put', join(scratch, 'bad.jsonl')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/bad\.jsonl does not read as jsonl: line 1 is not JSON/);
    expect(JSON.parse(await ok(['datasets', 'ls', '--json'])).map((d: { name: string }) => d.name)).not.toContain('bad.jsonl');
  });
});
