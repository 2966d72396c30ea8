import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointDirs } from '../../../../src/agent/state/checkpointDirs';

describe('CheckpointDirs', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gantry-checkpoints-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const spares = (): string[] => readdirSync(root).filter((name) => name.startsWith('.spare-'));
  const modeOf = (path: string): number => lstatSync(path).mode & 0o7777;

  it('removes the directory of a job that wrote no checkpoint, and of one that wrote nested files', () => {
    const dirs = new CheckpointDirs(root);
    mkdirSync(join(root, '7'), { recursive: true });
    mkdirSync(join(root, '8', 'epoch-3'), { recursive: true });
    writeFileSync(join(root, '8', 'epoch-3', 'model.pt'), 'weights');
    expect(dirs.jobIds().sort()).toEqual([7, 8]);
    dirs.remove(7);
    dirs.remove(8);
    expect(existsSync(join(root, '7'))).toBe(false);
    expect(existsSync(join(root, '8'))).toBe(false);
    expect(dirs.jobIds()).toEqual([]);
  });

  it('takes the removal of a directory that is already gone as done', () => {
    expect(() => new CheckpointDirs(root).remove(9)).not.toThrow();
  });

  it('prepares an empty 0700 directory per job, making the root when it is missing', () => {
    const dirs = new CheckpointDirs(join(root, 'checkpoints'));
    const dir = dirs.prepare(3);
    expect(dir).toBe(join(root, 'checkpoints', '3'));
    expect(lstatSync(dir).isDirectory()).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps what an earlier attempt of the same job saved when it prepares the job's directory again", () => {
    const dirs = new CheckpointDirs(root);
    writeFileSync(join(dirs.prepare(5), 'step'), '3');
    dirs.remove(6); // nothing to remove
    dirs.prepare(1);
    dirs.remove(1); // a spare now waits
    expect(spares()).toHaveLength(1);
    expect(readdirSync(dirs.prepare(5))).toEqual(['step']);
    expect(spares()).toHaveLength(1);
  });

  it("hands an untouched directory that went to the next job, without listing it as a job's", () => {
    const dirs = new CheckpointDirs(root);
    const first = dirs.prepare(1);
    const inode = lstatSync(first).ino;
    dirs.remove(1);
    expect(existsSync(first)).toBe(false);
    expect(dirs.jobIds()).toEqual([]);
    const next = dirs.prepare(2);
    expect(lstatSync(next).ino).toBe(inode);
    expect(modeOf(next)).toBe(0o700);
    expect(spares()).toEqual([]);
  });

  it('never hands on a directory a job wrote to, changed the mode of, or replaced with a link', () => {
    const dirs = new CheckpointDirs(root);
    writeFileSync(join(dirs.prepare(1), 'model.pt'), 'weights');
    chmodSync(dirs.prepare(2), 0o755);
    const elsewhere = mkdtempSync(join(tmpdir(), 'gantry-elsewhere-'));
    try {
      rmSync(dirs.prepare(3), { recursive: true });
      symlinkSync(elsewhere, join(root, '3'));
      for (const jobId of [1, 2, 3]) dirs.remove(jobId);
      expect(readdirSync(root)).toEqual([]);
      expect(existsSync(elsewhere)).toBe(true);
      const next = dirs.prepare(4);
      expect(modeOf(next)).toBe(0o700);
      expect(readdirSync(next)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('keeps at most the given number of spares and removes the directories beyond', () => {
    const dirs = new CheckpointDirs(root, 2);
    for (const jobId of [1, 2, 3]) dirs.prepare(jobId);
    for (const jobId of [1, 2, 3]) dirs.remove(jobId);
    expect(spares()).toHaveLength(2);
    expect(dirs.jobIds()).toEqual([]);
  });

  it('takes back the untouched spares an earlier run left and removes the ones written to since', () => {
    const before = new CheckpointDirs(root);
    for (const jobId of [1, 2]) before.prepare(jobId);
    for (const jobId of [1, 2]) before.remove(jobId);
    const [kept, written] = spares().sort();
    writeFileSync(join(root, written, 'stray'), 'a process that outlived its job wrote this');
    const after = new CheckpointDirs(root);
    after.adoptSpares();
    expect(spares()).toEqual([kept]);
    const inode = lstatSync(join(root, kept)).ino;
    expect(lstatSync(after.prepare(9)).ino).toBe(inode);
    after.prepare(10);
    after.remove(10);
    expect(spares()).toHaveLength(1);
    expect(spares()[0]).not.toBe(kept);
  });

  it("renames the directory of an attempt that ended untouched to the next job's when that job starts", () => {
    const dirs = new CheckpointDirs(root);
    const first = dirs.prepare(1);
    const inode = lstatSync(first).ino;
    dirs.release(1);
    const next = dirs.prepare(2);
    expect(next).toBe(join(root, '2'));
    expect(lstatSync(next).ino).toBe(inode);
    expect(existsSync(first)).toBe(false);
    expect(readdirSync(root)).toEqual(['2']);
    expect(dirs.jobIds()).toEqual([2]);
  });

  it('lists a released directory until the next job takes it, and removes it as before when the job ended for good first', () => {
    const dirs = new CheckpointDirs(root);
    const inode = lstatSync(dirs.prepare(1)).ino;
    dirs.release(1);
    expect(dirs.jobIds()).toEqual([1]);
    dirs.remove(1);
    expect(dirs.jobIds()).toEqual([]);
    expect(spares()).toHaveLength(1);
    expect(lstatSync(dirs.prepare(2)).ino).toBe(inode);
    expect(readdirSync(root)).toEqual(['2']);
  });

  it('gives a job its own released directory back when another attempt of it starts', () => {
    const dirs = new CheckpointDirs(root);
    const inode = lstatSync(dirs.prepare(5)).ino;
    dirs.release(5);
    expect(lstatSync(dirs.prepare(5)).ino).toBe(inode);
    expect(dirs.jobIds()).toEqual([5]);
    const other = dirs.prepare(6);
    expect(lstatSync(other).ino).not.toBe(inode);
  });

  it('never hands on a released directory written to after its attempt ended: it is listed again for removal', () => {
    const dirs = new CheckpointDirs(root);
    const first = dirs.prepare(1);
    dirs.release(1);
    writeFileSync(join(first, 'late.pt'), 'a process that outlived its job wrote this');
    const next = dirs.prepare(2);
    expect(readdirSync(next)).toEqual([]);
    expect(readdirSync(first)).toEqual(['late.pt']);
    expect(dirs.jobIds().sort()).toEqual([1, 2]);
    dirs.remove(1);
    expect(existsSync(first)).toBe(false);
  });

  it('keeps at most the given number of released directories; the rest wait under their job for the heartbeat', () => {
    const dirs = new CheckpointDirs(root, 1);
    const [first, second] = [1, 2].map((jobId) => dirs.prepare(jobId));
    const inodes = [first, second].map((dir) => lstatSync(dir).ino);
    for (const jobId of [1, 2]) dirs.release(jobId);
    expect(lstatSync(dirs.prepare(3)).ino).toBe(inodes[0]);
    expect(lstatSync(dirs.prepare(4)).ino).not.toBe(inodes[1]);
    expect(dirs.jobIds().sort()).toEqual([2, 3, 4]);
  });
});
