import { posix } from 'node:path';
import type { Client } from 'ssh2';
import { RemoteCommandError } from '../errors';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';
import type { LocalTree } from './localTree';
import { treeArchive } from './treeArchive';

/**
 * Unpacks a tar read on stdin into a fresh directory beside $1 and renames it to $1 once complete,
 * so a directory at $1 is always a whole tree: a cut-off upload leaves only a `.partial` behind.
 * The copy is touched (tar may have set its time to the local directory's): pruning keeps the ones used last.
 */
const UNPACK_SCRIPT = `
set -e
final=$1
tmp="$final.partial.$$"
mkdir -p "$(dirname "$final")"
rm -rf "$tmp"
mkdir "$tmp"
if ! tar -xf - -C "$tmp" --no-same-owner; then rm -rf "$tmp"; exit 1; fi
if [ -d "$final" ]; then rm -rf "$tmp"; touch "$final"; echo present; else mv "$tmp" "$final"; touch "$final"; echo uploaded; fi
`;

/** Where a tree with this hash lives under a host's ~/.gantry. */
export function syncDir(gantryRoot: string, hash: string): string {
  return posix.join(gantryRoot, 'sync', hash);
}

/** Whether the tree is on the host; a copy found is touched, so pruning counts it as just used. */
export async function remoteTreePresent(client: Client, dir: string): Promise<boolean> {
  return (await runRemote(client, shScript('[ -d "$1" ] && touch "$1" && echo present; exit 0', [dir]), 'looking for a synced directory')).trim() === 'present';
}

/**
 * Streams the tree as one tar over an exec channel into `dir` on the host: one round trip and no
 * per-file SFTP requests, so many small files cost little more than their bytes. Owners are the
 * SSH user's. `signal` stops the upload (the host's unpacking then fails and removes its partial copy).
 */
export async function uploadTree(client: Client, tree: Pick<LocalTree, 'root' | 'entries'>, dir: string, signal?: AbortSignal): Promise<'uploaded' | 'present'> {
  const archive = treeArchive(tree);
  const stop = (): void => void archive.destroy(new Error('the upload was stopped'));
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const out = (await runRemote(client, shScript(UNPACK_SCRIPT, [dir]), `unpacking ${tree.root} into ${dir}`, 0, archive)).trim();
    if (out !== 'uploaded' && out !== 'present') throw new RemoteCommandError(`unpacking ${tree.root} on the host said ${JSON.stringify(out.slice(0, 200))}`);
    return out;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Gives a copy uploaded under a temporary name its content address, or drops it when that tree is there already. */
const FINISH_SCRIPT = `
incoming=$1; final=$2
if [ -d "$final" ]; then rm -rf "$incoming"; touch "$final"; echo present; else mv "$incoming" "$final" && touch "$final" && echo uploaded; fi
`;

export async function finishUpload(client: Client, incoming: string, dir: string): Promise<'uploaded' | 'present'> {
  const out = (await runRemote(client, shScript(FINISH_SCRIPT, [incoming, dir]), `naming the copy ${dir}`)).trim();
  if (out !== 'uploaded' && out !== 'present') throw new RemoteCommandError(`naming the copy ${dir} on the host said ${JSON.stringify(out.slice(0, 200))}`);
  return out;
}

/** Removes a temporary copy (an upload that turned out not to be needed). */
export async function discardUpload(client: Client, incoming: string): Promise<void> {
  await runRemote(client, shScript('rm -rf -- "$1"', [incoming]), `removing ${incoming}`);
}
