import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobInput } from '../../shared';
import { extractArchive } from './extractArchive';

/** Fetches an input's bytes to `dest`, checked against its sha256. */
export type FetchInput = (dest: string) => Promise<void>;

/** How much the cache keeps once nothing uses an entry: the least recently used go first. */
export interface InputCacheBounds {
  /** Bytes kept at most (default DEFAULT_INPUT_CACHE_BYTES); an entry in use stays even past it. */
  maxBytes?: number;
  /** An entry not used for this long is removed (default DEFAULT_INPUT_CACHE_AGE_MS). */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
}

/** 10 GiB: a few datasets and checkpoints, small beside a GPU host's scratch disk. */
export const DEFAULT_INPUT_CACHE_BYTES = 10 * 1024 ** 3;
/** A week: a sweep that comes back the next day still finds its inputs. */
export const DEFAULT_INPUT_CACHE_AGE_MS = 7 * 24 * 3600 * 1000;

interface Entry {
  bytes: number;
  lastUsed: number;
}

/** Takes the write bits off every file of a cached tree: jobs get hard links, and one writing in place would change every job's copy. */
function freeze(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) freeze(join(path, entry));
    return;
  }
  chmodSync(path, stat.mode & 0o555);
}

/** Each file under `root` as [path inside root, size, mtime in ms]: what a write in place would change. */
type Manifest = Array<[path: string, size: number, mtimeMs: number]>;

function manifestOf(root: string, path = root, into: Manifest = []): Manifest {
  const stat = lstatSync(path);
  if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) manifestOf(root, join(path, entry), into);
  else if (stat.isFile()) into.push([relative(root, path), stat.size, stat.mtimeMs]);
  return into;
}

const manifestBytes = (manifest: Manifest): number => manifest.reduce((sum, [, size]) => sum + size, 0);

/**
 * A per-worker store of inputs by sha256: each content is downloaded once, and each archive
 * extracted once, however many jobs or hooks stage it. Entries appear by rename, complete or not
 * at all, so a crash mid-way leaves only scratch folders, which the next fill of that content removes.
 * Cached files are read-only; stageInputs hard-links them into target folders. A job running as root
 * can still write through its link, so each entry keeps the size and mtime of its files
 * (`<entry>.manifest`) and one that no longer matches is downloaded again before it is used.
 *
 * Bounded by size and age: after each use the least recently used entries that no call is placing
 * from are removed until the rest fit. A job's hard links keep their bytes after the entry goes, so
 * pruning never reaches into a job's directory. The last use is kept as the mtime of the entry's
 * manifest, so an agent that restarts keeps its order.
 */
export class InputCache {
  private readonly filling = new Map<string, Promise<string>>();
  private entries: Map<string, Entry> | null = null;
  /** Calls filling or placing from an entry right now, by key; pruning skips those entries. */
  private readonly users = new Map<string, number>();
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    readonly dir: string,
    bounds: InputCacheBounds = {},
  ) {
    this.maxBytes = bounds.maxBytes ?? DEFAULT_INPUT_CACHE_BYTES;
    this.maxAgeMs = bounds.maxAgeMs ?? DEFAULT_INPUT_CACHE_AGE_MS;
    this.now = bounds.now ?? Date.now;
  }

  /** Bytes the cache holds now. */
  get bytes(): number {
    let sum = 0;
    for (const entry of this.known().values()) sum += entry.bytes;
    return sum;
  }

  /**
   * Runs `place` with the path of the input's content in the cache (the file itself, or the folder its
   * archive was extracted into), filling it first if needed; the entry is not pruned while `place` runs.
   */
  async use<T>(input: JobInput, fetch: FetchInput, place: (path: string) => Promise<T>): Promise<T> {
    const key = `${input.archive ? 'tree' : 'file'}-${input.sha256}`;
    // Counted before the fill, so a prune by another call between the fill and the placing cannot remove it.
    this.users.set(key, (this.users.get(key) ?? 0) + 1);
    let path: string | null = null;
    try {
      path = await this.obtain(key, input, fetch);
      return await place(path);
    } finally {
      const left = (this.users.get(key) ?? 1) - 1;
      if (left === 0) this.users.delete(key);
      else this.users.set(key, left);
      const entry = this.known().get(key);
      if (path && entry) {
        entry.lastUsed = this.now();
        // Kept on the manifest, not the entry, whose files' mtimes the manifest checks.
        utimesSync(join(this.dir, `${key}.manifest`), entry.lastUsed / 1000, entry.lastUsed / 1000);
      }
      this.prune();
    }
  }

  /** Removes entries unused past the age bound, then the least recently used until the size bound holds; entries in use stay. */
  prune(): void {
    const entries = this.known();
    const idle = [...entries].filter(([key]) => !this.users.has(key)).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    let total = this.bytes;
    for (const [key, entry] of idle) {
      if (total <= this.maxBytes && this.now() - entry.lastUsed <= this.maxAgeMs) break;
      this.remove(key);
      total -= entry.bytes;
    }
  }

  /** The entries on disk, read once from the folder (size, and last use from the mtime) and kept in step after. */
  private known(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    if (existsSync(this.dir)) {
      for (const name of readdirSync(this.dir)) {
        if (!/^(tree|file)-[0-9a-f]{64}$/.test(name)) continue;
        const path = join(this.dir, name);
        const manifest = join(this.dir, `${name}.manifest`);
        entries.set(name, { bytes: manifestBytes(manifestOf(path)), lastUsed: existsSync(manifest) ? lstatSync(manifest).mtimeMs : 0 });
      }
    }
    this.entries = entries;
    return entries;
  }

  /** Whether the entry's files are as they were filled: same names, sizes and mtimes. */
  private intact(key: string, path: string): boolean {
    if (!existsSync(path)) return false;
    try {
      const recorded = readFileSync(join(this.dir, `${key}.manifest`), 'utf8');
      return recorded === JSON.stringify(manifestOf(path));
    } catch {
      // No manifest (filled by an older agent, or lost): not trusted.
      return false;
    }
  }

  private remove(key: string): void {
    rmSync(join(this.dir, key), { recursive: true, force: true });
    rmSync(join(this.dir, `${key}.manifest`), { force: true });
    this.known().delete(key);
  }

  private obtain(key: string, input: JobInput, fetch: FetchInput): Promise<string> {
    const path = join(this.dir, key);
    if (!this.filling.has(key)) {
      if (this.intact(key, path)) return Promise.resolve(path);
      this.remove(key);
    }
    let pending = this.filling.get(key);
    if (!pending) {
      pending = this.fill(input, key, path, fetch).finally(() => this.filling.delete(key));
      this.filling.set(key, pending);
    }
    return pending;
  }

  private async fill(input: JobInput, key: string, path: string, fetch: FetchInput): Promise<string> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const stale of readdirSync(this.dir).filter((entry) => entry.startsWith(`${key}.scratch-`))) rmSync(join(this.dir, stale), { recursive: true, force: true });
    const scratch = mkdtempSync(join(this.dir, `${key}.scratch-`));
    try {
      const download = join(scratch, 'content');
      await fetch(download);
      let ready = download;
      if (input.archive) {
        ready = join(scratch, 'tree');
        mkdirSync(ready);
        await extractArchive(input.archive, download, ready);
      }
      freeze(ready);
      const manifest = manifestOf(ready);
      writeFileSync(join(this.dir, `${key}.manifest`), JSON.stringify(manifest), { mode: 0o600 });
      renameSync(ready, path);
      this.known().set(key, { bytes: manifestBytes(manifest), lastUsed: this.now() });
      return path;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
