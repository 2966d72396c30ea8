import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
let scratch: string;
beforeAll(async () => {
  t = await startTestCoordinator();
  scratch = mkdtempSync(join(tmpdir(), 'gantry-cli-inputs-'));
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A zip of data/a.txt and data/sub/b.txt, made by python3's zipfile (CI installs python3). */
function makeZip(path: string): void {
  const script = 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("data/a.txt", "hello")\n  z.writestr("data/sub/b.txt", "nested")\n';
  execFileSync('python3', ['-c', script, path]);
}

function jobDir(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function submittedId(args: string[]): Promise<number> {
  const result = await t.gantry(['submit', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return Number(stdoutText(result).trim());
}

const CHECK_DATA = 'test "$(cat data/a.txt)" = hello && test "$(cat data/sub/b.txt)" = nested && echo inputs-ok';

describe('gantry submit --input', () => {
  it('uploads a local zip, stages and extracts it before the job starts, and removes it after the attempt', { timeout: 240_000 }, async () => {
    const zip = join(scratch, 'data.zip');
    makeZip(zip);
    const cwd = jobDir('plain');
    const id = await submittedId(['--cwd', cwd, '--input', zip, '--', 'sh', '-c', CHECK_DATA]);
    expect(t.coordinator.getJob(id).inputs).toEqual([expect.objectContaining({ source: 'dataset:data.zip', name: 'data.zip', archive: 'zip' })]);
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(id).state), 'the job to end', 120_000);
    const log = t.coordinator.readLog(id, 1, 0).data.toString();
    expect(t.coordinator.getJob(id).state, log).toBe('succeeded');
    expect(log).toContain('inputs-ok');
    expect(log).toContain('gantry: staged dataset:data.zip → extracted data.zip');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    expect(t.coordinator.artifacts.getDataset('data.zip')).toMatchObject({ format: 'zip', files: 2 });
  });

  it('leaves the staged files with --keep-inputs and never replaces a file the directory already has', { timeout: 240_000 }, async () => {
    const cwd = jobDir('kept');
    const kept = await submittedId(['--cwd', cwd, '--input', 'dataset:data.zip', '--keep-inputs', '--', 'sh', '-c', CHECK_DATA]);
    await waitFor(() => t.coordinator.getJob(kept).state === 'succeeded', 'the job with kept inputs to succeed', 120_000);
    expect(readFileSync(join(cwd, 'data/a.txt'), 'utf8')).toBe('hello');

    writeFileSync(join(cwd, 'data/a.txt'), 'mine');
    const clash = await submittedId(['--cwd', cwd, '--input', 'dataset:data.zip', '--', 'true']);
    await waitFor(() => t.coordinator.getJob(clash).state === 'failed', 'the clashing job to fail', 120_000);
    expect(t.coordinator.getJob(clash).error).toMatch(/staging the inputs failed: .*data\/a\.txt is already in the job directory/);
    expect(readFileSync(join(cwd, 'data/a.txt'), 'utf8')).toBe('mine');
  });

  it("stages another job's artifact and a gzipped tar by reference", { timeout: 240_000 }, async () => {
    const producer = await submittedId(['--cwd', jobDir('producer'), '--output', 'model.bin', '--output', 'pack.tgz', '--', 'sh', '-c', 'printf weights > model.bin && mkdir -p pack/x && printf deep > pack/x/y.txt && tar czf pack.tgz pack']);
    await waitFor(() => t.coordinator.getJob(producer).state === 'succeeded', 'the producer to succeed', 120_000);
    const cwd = jobDir('consumer');
    const consumer = await submittedId(['--cwd', cwd, '--input', `${producer}:model.bin`, '--input', `${producer}:pack.tgz`, '--', 'sh', '-c', 'test "$(cat model.bin)" = weights && test "$(cat pack/x/y.txt)" = deep']);
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(consumer).state), 'the consumer to end', 120_000);
    expect(t.coordinator.getJob(consumer).state, t.coordinator.readLog(consumer, 1, 0).data.toString()).toBe('succeeded');
    expect(existsSync(join(cwd, 'model.bin'))).toBe(false);
    expect(existsSync(join(cwd, 'pack'))).toBe(false);
  });

  it("downloads an input that many jobs share once into the worker's cache and links it into each job's directory", { timeout: 240_000 }, async () => {
    const shared = join(scratch, 'shared.txt');
    writeFileSync(shared, 'one copy for all');
    const check = 'test "$(cat shared.txt)" = "one copy for all"';
    // Each in its own directory: jobs sharing one would remove the file under each other as they end.
    const ids = [await submittedId(['--cwd', jobDir('shared-0'), '--input', shared, '--', 'sh', '-c', check])];
    for (let i = 1; i < 6; i++) ids.push(await submittedId(['--cwd', jobDir(`shared-${i}`), '--input', 'dataset:shared.txt', '--', 'sh', '-c', check]));
    await waitFor(() => ids.every((id) => ['succeeded', 'failed'].includes(t.coordinator.getJob(id).state)), 'the jobs to end', 180_000);
    const logs = ids.map((id) => t.coordinator.readLog(id, 1, 0).data.toString());
    for (const [i, id] of ids.entries()) expect(t.coordinator.getJob(id).state, logs[i]).toBe('succeeded');
    expect(logs.filter((log) => log.includes("dataset:shared.txt → shared.txt (downloaded into the worker's cache)"))).toHaveLength(1);
    expect(logs.filter((log) => log.includes("dataset:shared.txt → shared.txt (from the worker's cache)"))).toHaveLength(5);
  });

  it('keeps an input two jobs staged into one --cwd until the last of them ends', { timeout: 240_000 }, async () => {
    const input = join(scratch, 'common.txt');
    writeFileSync(input, 'read by both');
    const cwd = jobDir('common');
    const marks = jobDir('common-marks');
    const mark = (name: string): string => join(marks, name);
    const waitMark = (name: string): string => `while [ ! -e ${mark(name)} ]; do sleep 0.05; done`;
    const read = 'test "$(cat common.txt)" = "read by both"';
    // The first stages the file; the second finds it there and reads it again after the first has ended.
    const first = await submittedId(['--cwd', cwd, '--input', input, '--', 'sh', '-c', `${read} && touch ${mark('first')} && ${waitMark('second')}`]);
    await waitFor(() => existsSync(mark('first')), 'the first job to run with its input', 120_000);
    const second = await submittedId(['--cwd', cwd, '--input', 'dataset:common.txt', '--', 'sh', '-c', `${read} && touch ${mark('second')} && ${waitMark('go')} && ${read}`]);
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(first).state), 'the first job to end', 120_000);
    expect(t.coordinator.getJob(first).state, t.coordinator.readLog(first, 1, 0).data.toString()).toBe('succeeded');
    expect(existsSync(join(cwd, 'common.txt'))).toBe(true);
    writeFileSync(mark('go'), '');
    await waitFor(() => ['succeeded', 'failed'].includes(t.coordinator.getJob(second).state), 'the second job to end', 120_000);
    expect(t.coordinator.getJob(second).state, t.coordinator.readLog(second, 1, 0).data.toString()).toBe('succeeded');
    expect(existsSync(join(cwd, 'common.txt'))).toBe(false);
  });

  it('refuses an input that names nothing stored, naming the field, and queues nothing', async () => {
    const before = t.coordinator.listJobs({}).jobs.length;
    const missing = await t.gantry(['submit', '--input', 'dataset:nope', '--', 'true']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/inputs\.0.*no dataset named nope/);
    const malformed = await t.gantry(['submit', '--input', 'nope', '--', 'true']);
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toMatch(/--input nope/);
    expect(t.coordinator.listJobs({}).jobs.length).toBe(before);
  });
});
