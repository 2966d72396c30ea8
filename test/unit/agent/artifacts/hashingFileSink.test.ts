import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingFileSink } from '../../../../src/agent/artifacts/hashingFileSink';

/** Chunks of assorted sizes, some over the sink's queue size, so writes gather several of them and a few go alone. */
function chunksOf(total: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let made = 0, size = 1; made < total; size = (size * 7 + 13_001) % 1_500_000) {
    const chunk = randomBytes(Math.min(size + 1, total - made));
    chunks.push(chunk);
    made += chunk.length;
  }
  return chunks;
}

describe('HashingFileSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-sink-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every chunk in order, hashes them, and releases each once it is on disk', async () => {
    const chunks = chunksOf(12 * 1024 * 1024);
    const path = join(dir, 'out.part');
    const released: Buffer[] = [];
    const hash = createHash('sha256');
    await pipeline(Readable.from(chunks), new HashingFileSink(path, 0, hash, (chunk) => released.push(chunk)));
    const whole = Buffer.concat(chunks);
    expect(readFileSync(path).equals(whole)).toBe(true);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(whole).digest('hex'));
    expect(released).toHaveLength(chunks.length);
    expect(new Set(released)).toEqual(new Set(chunks));
  });

  it('goes on from the end of a part file, keeping its bytes, and replaces one written from 0', async () => {
    const path = join(dir, 'out.part');
    writeFileSync(path, 'first half|');
    await pipeline(Readable.from([Buffer.from('second half')]), new HashingFileSink(path, 'first half|'.length, createHash('sha256')));
    expect(readFileSync(path, 'utf8')).toBe('first half|second half');
    await pipeline(Readable.from([Buffer.from('fresh')]), new HashingFileSink(path, 0, createHash('sha256')));
    expect(readFileSync(path, 'utf8')).toBe('fresh');
  });

  it('fails with the reason when the file cannot be opened', async () => {
    const sink = new HashingFileSink(join(dir, 'missing', 'out.part'), 0, createHash('sha256'));
    await expect(pipeline(Readable.from([Buffer.from('x')]), sink)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves a prefix of the body in the file when the body fails midway', async () => {
    const chunks = chunksOf(6 * 1024 * 1024);
    const path = join(dir, 'out.part');
    async function* failing(): AsyncGenerator<Buffer> {
      yield* chunks;
      throw new Error('connection reset');
    }
    await expect(pipeline(Readable.from(failing()), new HashingFileSink(path, 0, createHash('sha256')))).rejects.toThrow('connection reset');
    const written = readFileSync(path);
    expect(written.equals(Buffer.concat(chunks).subarray(0, written.length))).toBe(true);
  });
});
