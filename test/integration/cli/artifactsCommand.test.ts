import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
let scratch: string;
beforeAll(async () => {
  t = await startTestCoordinator();
  scratch = mkdtempSync(join(tmpdir(), 'gantry-cli-artifacts-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('gantry submit --output and gantry artifacts', () => {
  it('keeps the files a job declared, lists them, downloads them checked, and deletes them', { timeout: 240_000 }, async () => {
    await t.startWorker();
    const submitted = await t.gantry(['submit', '--cwd', scratch, '--output', 'out/*.txt', '--', 'sh', '-c', 'mkdir -p out && printf hello > out/a.txt && printf world > out/b.txt']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = Number(stdoutText(submitted).trim());
    expect(t.coordinator.getJob(id).outputs).toEqual(['out/*.txt']);
    await waitFor(() => t.coordinator.getJob(id).state === 'succeeded', 'the job to succeed', 60_000);

    const ls = await t.gantry(['artifacts', 'ls', String(id)]);
    expect(stdoutText(ls)).toMatch(/out\/a\.txt\s+5 B/);
    const json = JSON.parse(stdoutText(await t.gantry(['artifacts', 'ls', String(id), '--json'])));
    expect(json.map((a: { name: string }) => a.name)).toEqual(['out/a.txt', 'out/b.txt']);

    const into = join(scratch, 'downloaded');
    const get = await t.gantry(['artifacts', 'get', String(id), '--dir', into]);
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(join(into, 'out/a.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(join(into, 'out/b.txt'), 'utf8')).toBe('world');

    const rm = await t.gantry(['artifacts', 'rm', String(id), 'out/a.txt']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(t.coordinator.artifacts.list(id).map((a) => a.name)).toEqual(['out/b.txt']);
  });

  it('uploads a file with put and downloads it to a named file', { timeout: 120_000 }, async () => {
    const job = t.coordinator.submit({ command: ['true'] });
    writeFileSync(join(scratch, 'notes.md'), '# notes\n');
    const put = await t.gantry(['artifacts', 'put', String(job.id), join(scratch, 'notes.md'), '--name', 'docs/notes.md']);
    expect(put.code, put.stderr).toBe(0);
    const get = await t.gantry(['artifacts', 'get', String(job.id), 'docs/notes.md', '-o', join(scratch, 'copy.md')]);
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(join(scratch, 'copy.md'), 'utf8')).toBe('# notes\n');
  });

  it('refuses an output glob that climbs out of the job directory, naming the field', async () => {
    const result = await t.gantry(['submit', '--output', '../secrets/*', '--', 'true']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/outputs/);
  });
});
