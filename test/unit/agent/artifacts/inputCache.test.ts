import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputCache, type InputCacheBounds } from '../../../../src/agent';
import type { JobInput } from '../../../../src/shared';

let dir: string;
let clock: number;
let downloads: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-input-cache-'));
  clock = 1_000_000;
  downloads = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A plain-file input of `size` bytes of `fill`. */
function input(fill: string, size: number): JobInput & { bytes: string } {
  const bytes = fill.repeat(size);
  return { source: `dataset:${fill}`, name: `${fill}.bin`, sha256: createHash('sha256').update(bytes).digest('hex'), size, archive: null, bytes };
}

function cache(bounds: InputCacheBounds = {}): InputCache {
  return new InputCache(join(dir, 'cache'), { now: () => clock, ...bounds });
}

/** Uses the input once (downloading it when the cache lacks it) and returns what the cached file held. */
async function stage(into: InputCache, what: ReturnType<typeof input>): Promise<string> {
  clock += 1000;
  return into.use(
    what,
    async (dest) => {
      downloads.push(what.name);
      writeFileSync(dest, what.bytes);
    },
    async (path) => readFileSync(path, 'utf8'),
  );
}

const cachedEntries = (into: InputCache): string[] => readdirSync(into.dir).filter((name) => !name.endsWith('.manifest')).sort();
const entryOf = (what: JobInput): string => `file-${what.sha256}`;

describe('InputCache', () => {
  it('downloads each content once however many times it is used', async () => {
    const c = cache();
    const a = input('a', 10);
    expect(await stage(c, a)).toBe(a.bytes);
    expect(await stage(c, a)).toBe(a.bytes);
    expect(downloads).toEqual(['a.bin']);
  });

  it('removes the least recently used entries once it holds more than its size bound', async () => {
    const c = cache({ maxBytes: 100 });
    const [a, b, d] = [input('a', 60), input('b', 30), input('d', 30)];
    await stage(c, a);
    await stage(c, b);
    await stage(c, a);
    await stage(c, d);
    // 120 bytes: b, used before a's second use, goes.
    expect(cachedEntries(c)).toEqual([entryOf(a), entryOf(d)].sort());
    expect(c.bytes).toBe(90);
    await stage(c, b);
    expect(downloads).toEqual(['a.bin', 'b.bin', 'd.bin', 'b.bin']);
  });

  it('never removes an entry while a call is placing from it', async () => {
    const c = cache({ maxBytes: 50 });
    const [a, b] = [input('a', 60), input('b', 30)];
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const placing = c.use(a, async (dest) => writeFileSync(dest, a.bytes), async (path) => {
      await held;
      return readFileSync(path, 'utf8');
    });
    await stage(c, b);
    expect(existsSync(join(c.dir, entryOf(a)))).toBe(true);
    release();
    expect(await placing).toBe(a.bytes);
    // Released, a alone is past the bound: gone too.
    expect(cachedEntries(c)).toEqual([]);
  });

  it('removes entries not used for longer than its age bound', async () => {
    const c = cache({ maxAgeMs: 60_000 });
    const [a, b] = [input('a', 5), input('b', 5)];
    await stage(c, a);
    clock += 30_000;
    await stage(c, b);
    clock += 40_000;
    c.prune();
    expect(cachedEntries(c)).toEqual([entryOf(b)]);
  });

  it('keeps the order of last use across a restart of the agent', async () => {
    const first = cache();
    const [a, b] = [input('a', 40), input('b', 40)];
    await stage(first, b);
    await stage(first, a);
    const restarted = new InputCache(first.dir, { maxBytes: 50, now: () => clock });
    expect(restarted.bytes).toBe(80);
    restarted.prune();
    expect(cachedEntries(restarted)).toEqual([entryOf(a)]);
  });

  it('downloads again content a job changed through its link (a job running as root ignores the read-only bits)', async () => {
    const c = cache();
    const a = input('a', 10);
    await stage(c, a);
    const cached = join(c.dir, entryOf(a));
    chmodSync(cached, 0o644);
    writeFileSync(cached, 'changed by a job');
    expect(await stage(c, a)).toBe(a.bytes);
    expect(downloads).toEqual(['a.bin', 'a.bin']);
  });
});
