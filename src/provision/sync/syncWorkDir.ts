import type { Client } from 'ssh2';
import type { HostSyncResult } from '../../shared';
import { remoteLayout } from '../bootstrap/remoteLayout';
import { hashLocalTree, type WalkedTree } from './localTree';
import { finishUpload, remoteTreePresent, syncDir, uploadPartial, uploadTree } from './uploadTree';

function syncResult(tree: WalkedTree, hash: string, path: string, uploaded: boolean): HostSyncResult {
  return { hash, cwd: `~/.gantry/sync/${hash}`, path, uploaded, files: tree.entries.length, bytes: tree.bytes };
}

/**
 * A tree with files whose hashes are not known yet (first seen, or changed) is sent before it is
 * hashed, into a partial copy: the host unpacks while this machine hashes, instead of idling
 * through the hashing first. Once the hash is known, a tree the host has already stops the upload
 * (and its partial copy is gone before this returns); otherwise the partial copy takes the tree's name.
 */
async function uploadWhileHashing(client: Client, gantryRoot: string, walked: WalkedTree): Promise<HostSyncResult> {
  const stop = new AbortController();
  let partial: string | null = null;
  const upload = uploadPartial(client, walked, syncDir(gantryRoot, 'sha256-incoming'), stop.signal).then((path) => (partial = path));
  // Its failure is reported through `await upload` below, or is moot once the upload is stopped.
  upload.catch(() => undefined);
  let hash: string;
  try {
    hash = (await hashLocalTree(walked)).hash;
  } catch (error) {
    stop.abort();
    throw error;
  }
  const path = syncDir(gantryRoot, hash);
  if (partial === null && (await remoteTreePresent(client, path))) {
    stop.abort();
    // Waiting for the stopped upload lets the host's unpacking remove its partial copy before the
    // caller goes on; one that had already unpacked everything is dropped by finishing it.
    const leftover = await upload.catch(() => null);
    if (leftover !== null) await finishUpload(client, leftover, path);
    return syncResult(walked, hash, path, false);
  }
  return syncResult(walked, hash, path, (await finishUpload(client, await upload, path)) === 'uploaded');
}

/**
 * Copies a directory of this machine to the host under ~/.gantry/sync/<tree hash>, unless that
 * tree is there already: a sweep of one directory costs one upload per host, and a job's cwd names
 * the copy. The copy is shared by every job of that content, so jobs should write their outputs
 * elsewhere (GANTRY_CHECKPOINT_DIR, artifacts) rather than into it.
 */
export async function syncWorkDir(client: Client, home: string, walked: WalkedTree): Promise<HostSyncResult> {
  const gantryRoot = remoteLayout(home).root;
  if (walked.hash === null) return uploadWhileHashing(client, gantryRoot, walked);
  // Every hash remembered (a directory synced before): one look at the host decides.
  const path = syncDir(gantryRoot, walked.hash);
  const uploaded = (await remoteTreePresent(client, path)) ? false : (await uploadTree(client, walked, path)) === 'uploaded';
  return syncResult(walked, walked.hash, path, uploaded);
}
