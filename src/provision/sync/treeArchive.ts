import type { Readable } from 'node:stream';
import { create as createTar } from 'tar';
import type { LocalTree } from './localTree';

/**
 * The tree as one tar stream with its entries at the archive's root: symlinks travel as links,
 * modes (the executable bit) and times are kept, owners are not (portable). Paths go in as `./…`:
 * node-tar reads a leading `@` as an archive to splice in.
 */
export function treeArchive(tree: Pick<LocalTree, 'root' | 'entries'>): Readable {
  return createTar({ cwd: tree.root, portable: true, noDirRecurse: true }, tree.entries.map((e) => `./${e.path}`)) as unknown as Readable;
}
