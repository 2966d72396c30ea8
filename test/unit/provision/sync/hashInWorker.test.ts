import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256OfFilesInWorker } from '../../../../src/provision/sync/hashInWorker';

const dir = mkdtempSync(join(tmpdir(), 'gantry-hash-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256OfFilesInWorker', () => {
  it('gives the sha256 of each file in order, an empty file and one over its read buffer included', async () => {
    const contents = [Buffer.alloc(0), Buffer.from('hello'), randomBytes(3 * 1024 * 1024 + 17)];
    const paths = contents.map((content, i) => {
      const path = join(dir, `f${i}`);
      writeFileSync(path, content);
      return path;
    });
    expect(await sha256OfFilesInWorker(paths)).toEqual(contents.map((c) => createHash('sha256').update(c).digest('hex')));
  });

  it('fails naming the file it could not read', async () => {
    await expect(sha256OfFilesInWorker([join(dir, 'missing')])).rejects.toThrow(/ENOENT.*missing/);
  });
});
