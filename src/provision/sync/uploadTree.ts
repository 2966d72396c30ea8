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

function checkedReply(out: string, doing: string): 'uploaded' | 'present' {
  if (out !== 'uploaded' && out !== 'present') throw new RemoteCommandError(`${doing} on the host said ${JSON.stringify(out.slice(0, 200))}`);
  return out;
}

/** Sends the tree's tar into a script on the host; `signal` stops it (the host's unpacking then fails and removes its partial copy). */
async function sendTree(client: Client, tree: Pick<LocalTree, 'root' | 'entries'>, script: string, doing: string, signal?: AbortSignal): Promise<string> {
  const archive = treeArchive(tree);
  const stop = (): void => void archive.destroy(new Error('the upload was stopped'));
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return (await runRemote(client, script, doing, 0, archive)).trim();
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/**
 * Streams the tree as one tar over an exec channel into `dir` on the host: one round trip and no
 * per-file SFTP requests, so many small files cost little more than their bytes. Owners are the SSH user's.
 */
export async function uploadTree(client: Client, tree: Pick<LocalTree, 'root' | 'entries'>, dir: string): Promise<'uploaded' | 'present'> {
  const doing = `unpacking ${tree.root} into ${dir}`;
  return checkedReply(await sendTree(client, tree, shScript(UNPACK_SCRIPT, [dir]), doing), doing);
}

/**
 * Unpacks like UNPACK_SCRIPT but leaves the tree as `$1.partial.PID` and prints that path: only
 * finishUpload makes it a copy. An upload stopped at any moment, even after the host unpacked it
 * all, leaves at most a partial copy, which pruning removes once its process is gone.
 */
const PARTIAL_SCRIPT = `
set -e
tmp="$1.partial.$$"
mkdir -p "$(dirname "$1")"
rm -rf "$tmp"
mkdir "$tmp"
if ! tar -xf - -C "$tmp" --no-same-owner; then rm -rf "$tmp"; exit 1; fi
echo "$tmp"
`;

/** Sends the tree to a partial copy beside `base` before its name is known; resolves with the partial copy's path. */
export async function uploadPartial(client: Client, tree: Pick<LocalTree, 'root' | 'entries'>, base: string, signal: AbortSignal): Promise<string> {
  const partial = await sendTree(client, tree, shScript(PARTIAL_SCRIPT, [base]), `unpacking ${tree.root} on the host`, signal);
  if (!partial.startsWith(`${base}.partial.`)) throw new RemoteCommandError(`unpacking ${tree.root} on the host said ${JSON.stringify(partial.slice(0, 200))}`);
  return partial;
}

/** Gives a partial copy its content address, or drops it when that tree is there already. */
const FINISH_SCRIPT = `
partial=$1; final=$2
if [ -d "$final" ]; then rm -rf "$partial"; touch "$final"; echo present; else mv "$partial" "$final" && touch "$final" && echo uploaded; fi
`;

export async function finishUpload(client: Client, partial: string, dir: string): Promise<'uploaded' | 'present'> {
  const doing = `naming the copy ${dir}`;
  return checkedReply((await runRemote(client, shScript(FINISH_SCRIPT, [partial, dir]), doing)).trim(), doing);
}
