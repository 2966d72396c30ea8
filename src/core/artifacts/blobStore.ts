import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from '../context';

/** Where stored content lives in the data dir: one file per sha256, under a two-hex-digit fan-out folder. */
export function artifactsRoot(dataDir: string): string {
  return join(dataDir, 'artifacts');
}

export function blobPath(dataDir: string, sha256: string): string {
  return join(artifactsRoot(dataDir), 'blobs', sha256.slice(0, 2), sha256);
}

export function uploadsDir(dataDir: string): string {
  return join(artifactsRoot(dataDir), 'uploads');
}

/** The sha256 of a file's first `length` bytes (all of it by default), read as a stream. */
export function hashFile(path: string, length?: number): Promise<{ hash: ReturnType<typeof createHash>; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (length === 0) return Promise.resolve({ hash, bytes });
  return new Promise((resolve, reject) => {
    createReadStream(path, length === undefined ? {} : { start: 0, end: length - 1 })
      .on('data', (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      })
      .on('error', reject)
      .on('end', () => resolve({ hash, bytes }));
  });
}

/**
 * Moves a verified file into the store under its hash and makes sure its blob row exists.
 * When the content is already stored, the new copy is dropped: identical files are kept once.
 * Call inside a transaction with the row that refers to the blob, so refs never lag behind.
 */
export function adoptBlob(ctx: CoreContext, file: string, sha256: string, size: number): void {
  const target = blobPath(ctx.dataDir, sha256);
  const known = ctx.sql('SELECT 1 FROM blobs WHERE sha256 = ?').get(sha256) !== undefined;
  if (known && fileExists(target)) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
  renameSync(file, target);
  ctx.sql('INSERT OR IGNORE INTO blobs (sha256, size, refs, created_at) VALUES (?, ?, 0, ?)').run(sha256, size, ctx.now());
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether the store holds this content already (so an upload of it needs no bytes). */
export function hasBlob(ctx: CoreContext, sha256: string, size: number): boolean {
  const row = ctx.sql('SELECT size FROM blobs WHERE sha256 = ?').get(sha256) as { size: number } | undefined;
  return row !== undefined && row.size === size && fileExists(blobPath(ctx.dataDir, sha256));
}

/** The size of stored content, or null when the store does not hold it. */
export function hasBlobContent(ctx: CoreContext, sha256: string): number | null {
  const row = ctx.sql('SELECT size FROM blobs WHERE sha256 = ?').get(sha256) as { size: number } | undefined;
  return row !== undefined && fileExists(blobPath(ctx.dataDir, sha256)) ? row.size : null;
}

/**
 * Deletes blobs nothing refers to any more, rows first, then their files. Rows that referred to
 * them went with their owners (a job removed, a model deleted), and the triggers counted that.
 * Returns how many were removed.
 */
export function removeUnreferencedBlobs(ctx: CoreContext): number {
  const gone = ctx.tx(() => {
    const rows = ctx.sql('SELECT sha256 FROM blobs WHERE refs = 0').all() as Array<{ sha256: string }>;
    const remove = ctx.sql('DELETE FROM blobs WHERE sha256 = ? AND refs = 0');
    return rows.filter((row) => remove.run(row.sha256).changes === 1).map((row) => row.sha256);
  });
  for (const sha256 of gone) rmSync(blobPath(ctx.dataDir, sha256), { force: true });
  return gone.length;
}
