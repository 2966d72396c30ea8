import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointDirs } from '../../../../src/agent/state/checkpointDirs';

describe('CheckpointDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-checkpoints-'));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

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
});
