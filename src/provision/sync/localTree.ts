import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { sha256OfFilesInWorker } from './hashInWorker';
import { ValidationError } from '../../shared';

/** One file or symlink of a work directory, as it will be uploaded. */
export interface TreeEntry {
  /** Relative to the tree's root, with `/` separators. */
  path: string;
  kind: 'file' | 'symlink';
  size: number;
  executable: boolean;
  /** sha256 of the content (a symlink: of its target). */
  sha256: string;
}

export interface LocalTree {
  root: string;
  entries: TreeEntry[];
  bytes: number;
  /** `sha256-…` over every entry's path, kind, mode and content: equal trees share one upload. */
  hash: string;
}

/** Files that carry ignore rules for their directory and below. */
const IGNORE_FILES = ['.gitignore', '.gantryignore'];
/** Never uploaded: a repository's history is not part of a job's working copy. */
const ALWAYS_SKIPPED = new Set(['.git']);

interface RuleSet {
  /** The directory the rules were read in, relative to the root ('' for the root). */
  base: string;
  rules: Ignore;
}

async function readRules(dir: string, base: string): Promise<RuleSet | null> {
  const texts: string[] = [];
  for (const name of IGNORE_FILES) {
    try {
      texts.push(await readFile(join(dir, name), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return texts.length === 0 ? null : { base, rules: ignore().add(texts.join('\n')) };
}

/** Whether any rule set above `path` ignores it; each set sees the path relative to its own directory, as git does. */
function ignored(path: string, isDir: boolean, sets: readonly RuleSet[]): boolean {
  return sets.some(({ base, rules }) => {
    const relative = base === '' ? path : posix.relative(base, path);
    return rules.ignores(isDir ? `${relative}/` : relative);
  });
}

/** Files up to this size are read whole; larger ones are streamed so a dataset never sits in memory. */
const READ_WHOLE_BYTES = 8 * 1024 * 1024;
/** Files hashed at once: enough to keep the disk and the hash busy while others wait on reads. */
const HASH_CONCURRENCY = 8;

/**
 * Content hashes of files already seen, keyed by path and checked against size, mtime and inode:
 * a sweep submitted again from an unchanged directory costs a stat per file, not a read.
 */
const RACY_MS = 2_000;
const MAX_KNOWN = 500_000;
const knownHashes = new Map<string, { size: number; mtimeMs: number; ino: number; sha256: string }>();

/** The hash remembered for this file, when it has not changed since (size, mtime and inode alike). */
function knownHash(path: string, info: Stats): string | null {
  const known = knownHashes.get(path);
  return known && known.size === info.size && known.mtimeMs === info.mtimeMs && known.ino === info.ino ? known.sha256 : null;
}

/** Remembers a file's hash, unless it was written in the last moments: it may change again within one mtime tick (git's "racy clean" case). */
function remember(path: string, info: Stats, sha256: string): void {
  if (Date.now() - info.mtimeMs <= RACY_MS) return;
  if (knownHashes.size >= MAX_KNOWN) knownHashes.clear();
  knownHashes.set(path, { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, sha256 });
}

async function hashFile(path: string, info: Stats): Promise<string> {
  const hash = createHash('sha256');
  if (info.size <= READ_WHOLE_BYTES) hash.update(await readFile(path));
  else for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Below this many bytes to read, hashing here costs less than starting a thread for it. */
const WORKER_BYTES = 16 * 1024 * 1024;

/** Hashes in this thread, a few files at a time. */
async function hashHere(paths: readonly string[], infos: readonly Stats[]): Promise<string[]> {
  const hashes: string[] = new Array<string>(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      hashes[i] = await hashFile(paths[i], infos[i]);
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  return hashes;
}

/** Fills in the content hash of every file not hashed yet; many bytes are hashed on a thread of their own. */
async function hashFiles(root: string, entries: TreeEntry[]): Promise<void> {
  const files = entries.filter((e) => e.kind === 'file' && e.sha256 === '');
  const paths = files.map((e) => join(root, e.path));
  // Stats from before the read: a file changed while it is read does not match them next time, and is read again.
  const infos = await Promise.all(paths.map((path) => lstat(path)));
  const bytes = infos.reduce((sum, info) => sum + info.size, 0);
  const hashes = bytes >= WORKER_BYTES ? await sha256OfFilesInWorker(paths) : await hashHere(paths, infos);
  files.forEach((entry, i) => {
    entry.sha256 = hashes[i];
    remember(paths[i], infos[i], hashes[i]);
  });
}

async function walk(root: string, relDir: string, parentSets: readonly RuleSet[], into: TreeEntry[]): Promise<void> {
  const dir = relDir === '' ? root : join(root, relDir);
  const own = await readRules(dir, relDir);
  const sets = own ? [...parentSets, own] : parentSets;
  const names = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    if (ALWAYS_SKIPPED.has(entry.name)) continue;
    const path = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    const full = join(root, path);
    if (entry.isDirectory()) {
      if (!ignored(path, true, sets)) await walk(root, path, sets, into);
    } else if (entry.isSymbolicLink()) {
      if (ignored(path, false, sets)) continue;
      const target = await readlink(full);
      into.push({ path, kind: 'symlink', size: 0, executable: false, sha256: createHash('sha256').update(target).digest('hex') });
    } else if (entry.isFile()) {
      if (ignored(path, false, sets)) continue;
      const info = await lstat(full);
      into.push({ path, kind: 'file', size: info.size, executable: (info.mode & 0o111) !== 0, sha256: knownHash(full, info) ?? '' });
    }
    // Sockets, FIFOs and devices mean nothing on another machine: left out.
  }
}

/** The content address of a tree: changes when any path, kind, executable bit or content changes. */
export function treeHash(entries: readonly TreeEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${e.kind} ${e.executable ? 'x' : '-'} ${e.sha256} ${JSON.stringify(e.path)}\n`);
  return `sha256-${hash.digest('hex').slice(0, 32)}`;
}

/** A tree as walked: every entry, with the content hashes remembered from earlier reads; '' where a file still needs reading. */
export type WalkedTree = Omit<LocalTree, 'hash'> & {
  /** The tree's content address when every file's hash was remembered (nothing needs reading); else null. */
  hash: string | null;
};

/**
 * Walks a work directory as a job will see it: every file and symlink, minus `.git` and what the
 * `.gitignore`/`.gantryignore` files of each directory exclude (rules apply to their directory and
 * below, as git applies them). Costs a stat per file; contents are read only by hashLocalTree.
 */
export async function walkLocalTree(root: string): Promise<WalkedTree> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new ValidationError(`dir: ${root} does not exist on the coordinator's machine (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, 'dir');
  }
  if (!info.isDirectory()) throw new ValidationError(`dir: ${root} is not a directory`, 'dir');
  const entries: TreeEntry[] = [];
  await walk(root, '', [], entries);
  const complete = entries.every((e) => e.sha256 !== '');
  return { root, entries, bytes: entries.reduce((sum, e) => sum + e.size, 0), hash: complete ? treeHash(entries) : null };
}

/** Reads the files a walk could not hash from memory, and gives the tree its content address. */
export async function hashLocalTree(tree: WalkedTree): Promise<LocalTree> {
  await hashFiles(tree.root, tree.entries);
  return { ...tree, hash: treeHash(tree.entries) };
}

/** walkLocalTree, then hashLocalTree: the tree with every file's content hash and its own. */
export async function readLocalTree(root: string): Promise<LocalTree> {
  return hashLocalTree(await walkLocalTree(root));
}
