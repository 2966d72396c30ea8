import { createHash } from 'node:crypto';
import { chmodSync, constants, copyFileSync, createReadStream, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, symlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * `move`: the source is a scratch copy, renamed into place. `link`: the source is a shared cache,
 * hard-linked (copied across filesystems). `copy`: the source is a shared cache, copied into files
 * of the target's own, writable (a reflink where the filesystem has them).
 */
export type PlaceMode = 'move' | 'link' | 'copy';

function statOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sameContent(a: string, b: string, aStat: Stats, bStat: Stats): Promise<boolean> {
  if (aStat.size !== bStat.size) return false;
  if (aStat.ino === bStat.ino && aStat.dev === bStat.dev) return true;
  return (await sha256Of(a)) === (await sha256Of(b));
}

function linkFile(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch (error) {
    // Another filesystem (EXDEV) or one without hard links: a copy costs space but shares nothing.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    copyFileSync(source, target);
  }
}

function copyFile(source: string, target: string, stat: Stats): void {
  copyFileSync(source, target, constants.COPYFILE_FICLONE);
  // The cache's files are read-only; a copy is the target's own, so its owner may write it.
  chmodSync(target, (stat.mode & 0o777) | 0o200);
}

/** Recreates `source` at `target` (absent) with its own folders, hard-linked or copied files, and copied symlinks. */
function linkTree(source: string, target: string, stat: Stats, mode: 'link' | 'copy'): void {
  if (stat.isDirectory()) {
    mkdirSync(target);
    for (const entry of readdirSync(source)) linkTree(join(source, entry), join(target, entry), lstatSync(join(source, entry)), mode);
  } else if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
  else if (mode === 'copy') copyFile(source, target, stat);
  else linkFile(source, target);
}

/**
 * Puts `source` (a file or a folder) at `target`, merging into a folder that is there already.
 * A file already there with the same bytes is left as it is (a retry of an attempt that kept its
 * inputs); one with other bytes stops staging, because replacing it would destroy the job's own
 * file. Every path made is appended to `created`, so removing them removes exactly what staging added.
 */
export async function placeTree(source: string, target: string, mode: PlaceMode, created: string[]): Promise<void> {
  const from = lstatSync(source);
  const there = statOrNull(target);
  if (!there) {
    if (mode === 'move') renameSync(source, target);
    else linkTree(source, target, from, mode);
    created.push(target);
    return;
  }
  if (from.isDirectory() && there.isDirectory()) {
    for (const entry of readdirSync(source)) await placeTree(join(source, entry), join(target, entry), mode, created);
    return;
  }
  if (from.isFile() && there.isFile() && (await sameContent(source, target, from, there))) return;
  throw new Error(`${target} is already in the job directory with other content; staging does not replace it`);
}
