import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JobInput } from '../../shared';
import { extractArchive } from './extractArchive';

/** Fetches an input's bytes to `dest`, checked against its sha256. */
export type FetchInput = (dest: string) => Promise<void>;

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

/**
 * A per-worker store of inputs by sha256: each content is downloaded once, and each archive
 * extracted once, however many jobs or hooks stage it. Entries appear by rename, complete or not
 * at all, so a crash mid-way leaves only scratch folders, which the next fill of that content removes.
 * Cached files are read-only; stageInputs hard-links them into target folders.
 */
export class InputCache {
  private readonly filling = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /** The path of the input's content in the cache: the file itself, or the folder its archive was extracted into. */
  obtain(input: JobInput, fetch: FetchInput): Promise<string> {
    const key = `${input.archive ? 'tree' : 'file'}-${input.sha256}`;
    const path = join(this.dir, key);
    if (existsSync(path)) return Promise.resolve(path);
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
      renameSync(ready, path);
      return path;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
