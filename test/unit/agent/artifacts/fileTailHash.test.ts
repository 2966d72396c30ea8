import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTailHash } from '../../../../src/agent/artifacts/fileTailHash';

describe('FileTailHash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-tail-hash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file as it grows, each piece announced after it was written, small and large', async () => {
    const path = join(dir, 'growing.bin');
    writeFileSync(path, '');
    const tail = new FileTailHash(path);
    const pieces = [randomBytes(1), randomBytes(3 * 1024 * 1024 + 5), randomBytes(10), randomBytes(700_000)];
    let size = 0;
    for (const piece of pieces) {
      appendFileSync(path, piece);
      size += piece.length;
      tail.advance(size);
    }
    expect(await tail.finish(size)).toBe(createHash('sha256').update(Buffer.concat(pieces)).digest('hex'));
  });

  it('hashes only the first `size` bytes when finished without any advance', async () => {
    const path = join(dir, 'whole.bin');
    const bytes = randomBytes(2 * 1024 * 1024);
    writeFileSync(path, bytes);
    expect(await new FileTailHash(path).finish(1024 * 1024 + 1)).toBe(createHash('sha256').update(bytes.subarray(0, 1024 * 1024 + 1)).digest('hex'));
  });

  it('fails, naming the file, when the file holds fewer bytes than announced', async () => {
    const path = join(dir, 'short.bin');
    writeFileSync(path, randomBytes(100));
    await expect(new FileTailHash(path).finish(1000)).rejects.toThrow(/short\.bin ends at 100 bytes, not 1000/);
  });
});
