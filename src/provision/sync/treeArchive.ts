import { spawn, spawnSync } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { create as createTar } from 'tar';
import type { LocalTree } from './localTree';

type ArchivedTree = Pick<LocalTree, 'root' | 'entries'>;

/** Paths go in as `./…`: node-tar reads a leading `@` as an archive to splice in, and tar a leading `-` as an option. */
const archivePaths = (tree: ArchivedTree): string[] => tree.entries.map((e) => `./${e.path}`);

/** Options that record owner 0 rather than this user's ids and names, as node-tar's portable mode leaves them out. */
const NEUTRAL_OWNER = { gnu: ['--owner=0', '--group=0', '--numeric-owner'], bsd: ['--uid', '0', '--gid', '0'] };

let systemTar: keyof typeof NEUTRAL_OWNER | null | undefined;

/** This machine's `tar`: GNU tar (Linux), bsdtar (macOS, Windows), or null for none (node-tar then packs). */
function whichSystemTar(): keyof typeof NEUTRAL_OWNER | null {
  if (systemTar === undefined) {
    const probe = spawnSync('tar', ['--version'], { encoding: 'utf8', timeout: 10_000 });
    systemTar = probe.status !== 0 ? null : /GNU tar/.test(probe.stdout) ? 'gnu' : /bsdtar/.test(probe.stdout) ? 'bsd' : null;
  }
  return systemTar;
}

/**
 * The system's tar packs in a process of its own, so a sync's main thread only encrypts and sends:
 * node-tar packing on that thread took as much CPU as the SSH channel itself. Exit 1 is GNU tar's
 * "a file changed while read" warning: what was read is sent, as node-tar would have.
 */
function packWithSystemTar(tree: ArchivedTree, flavour: keyof typeof NEUTRAL_OWNER): Readable {
  const argv = ['-c', '-f', '-', ...NEUTRAL_OWNER[flavour], '-C', tree.root, '--no-recursion', '--null', '-T', '-'];
  const child = spawn('tar', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const archive = new PassThrough({ highWaterMark: 1 << 20 });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  child.stdout.pipe(archive, { end: false });
  child.on('error', (error) => archive.destroy(error));
  child.on('close', (code) => {
    if (code !== null && code <= 1) archive.end();
    else archive.destroy(new Error(`tar could not pack ${tree.root}: ${stderr.trim() || `exit ${code ?? 'by signal'}`}`));
  });
  // A stopped upload stops the packing too.
  archive.on('close', () => child.kill());
  child.stdin.on('error', () => undefined);
  child.stdin.end(archivePaths(tree).map((path) => `${path}\0`).join(''));
  return archive;
}

/**
 * The tree as one tar stream with its entries at the archive's root: symlinks travel as links,
 * modes (the executable bit) and times are kept, owners are not (portable). Made by the
 * system's tar (GNU or bsdtar) when there is one, else by node-tar.
 */
export function treeArchive(tree: ArchivedTree): Readable {
  const flavour = whichSystemTar();
  if (flavour !== null) return packWithSystemTar(tree, flavour);
  return createTar({ cwd: tree.root, portable: true, noDirRecurse: true }, archivePaths(tree)) as unknown as Readable;
}
