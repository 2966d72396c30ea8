import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Coordinator } from '../../core';
import { HostSync, NotFoundError, parseOrThrow, type PackedWorkDir } from '../../shared';
import { readLocalTree, type LocalTree } from './localTree';
import { treeArchive } from './treeArchive';

type DatasetStore = Coordinator['artifacts'];

/** The dataset a tree is stored as: named by its content, so a tree stored once is found by name before anything is packed. */
export function workDirDatasetName(tree: Pick<LocalTree, 'hash'>): string {
  return `sync-${tree.hash.replace(/^sha256-/, '')}`;
}

function storedAlready(store: DatasetStore, name: string): boolean {
  try {
    store.getDataset(name);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/** Writes the tree's tar to `file`, hashing it on the way (one pass over the bytes). */
async function writeArchive(tree: LocalTree, file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(treeArchive(tree), count, createWriteStream(file));
  return { sha256: hash.digest('hex'), size };
}

async function storeTree(store: DatasetStore, tree: LocalTree, name: string): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-workdir-'));
  try {
    const file = join(scratch, 'tree.tar');
    const { sha256, size } = await writeArchive(tree, file);
    const fileName = `${basename(tree.root).replace(/^\.+$/, '') || 'workdir'}.tar`;
    const upload = await store.createDatasetUpload({ name, file_name: fileName, size, sha256, description: `gantry --sync ${tree.root}` });
    if (!upload.complete) await store.appendDatasetUpload(upload.id, upload.offset, createReadStream(file, { start: upload.offset }), sha256);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Packs in progress by dataset name: two submissions of one tree at once store it once. */
const packing = new Map<string, Promise<void>>();

/**
 * `--sync DIR` for jobs on any worker: reads DIR as a host sync does (minus `.git` and what
 * `.gitignore`/`.gantryignore` exclude), packs it as a tar into the coordinator's store as the
 * dataset `sync-<tree hash>` unless that is stored already, and returns the reference a job's
 * `sync` takes. Workers download and extract it once each (their input cache); every attempt runs in
 * a directory of its own holding the files. DIR is a path on the coordinator's machine.
 */
export async function packWorkDir(store: DatasetStore, input: unknown): Promise<PackedWorkDir> {
  const { dir } = parseOrThrow(HostSync, input);
  const tree = await readLocalTree(dir);
  const name = workDirDatasetName(tree);
  const result = { sync: `dataset:${name}`, hash: tree.hash, files: tree.entries.length, bytes: tree.bytes };
  const pending = packing.get(name);
  if (pending) {
    await pending;
    return { ...result, stored: false };
  }
  if (storedAlready(store, name)) return { ...result, stored: false };
  const work = storeTree(store, tree, name).finally(() => packing.delete(name));
  packing.set(name, work);
  await work;
  return { ...result, stored: true };
}
