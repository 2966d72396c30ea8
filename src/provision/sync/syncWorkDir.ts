import type { Client } from 'ssh2';
import { HostSync, parseOrThrow, type HostSyncResult } from '../../shared';
import { remoteLayout } from '../bootstrap/remoteLayout';
import { readLocalTree } from './localTree';
import { remoteTreePresent, syncDir, uploadTree } from './uploadTree';

/**
 * Copies a directory of this machine to the host under ~/.gantry/sync/<tree hash>, unless that
 * tree is there already: a sweep of one directory costs one upload per host, and a job's cwd names
 * the copy. The copy is shared by every job of that content, so jobs should write their outputs
 * elsewhere (GANTRY_CHECKPOINT_DIR, artifacts) rather than into it.
 */
export async function syncWorkDir(client: Client, home: string, input: unknown): Promise<HostSyncResult> {
  const { dir } = parseOrThrow(HostSync, input);
  const tree = await readLocalTree(dir);
  const path = syncDir(remoteLayout(home).root, tree.hash);
  const uploaded = (await remoteTreePresent(client, path)) ? false : (await uploadTree(client, tree, path)) === 'uploaded';
  return { hash: tree.hash, cwd: `~/.gantry/sync/${tree.hash}`, path, uploaded, files: tree.entries.length, bytes: tree.bytes };
}
