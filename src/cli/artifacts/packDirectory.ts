import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { create as createTar } from 'tar';

/**
 * A gzipped tar of a directory, made in a temporary folder (`dispose` removes it). Its entries
 * start with the directory's own name, so a job given it as an input finds `NAME/…` in its directory,
 * as on the submitter's machine. `portable` leaves out owners and the like, so the same tree packs alike.
 */
export async function packDirectory(dir: string): Promise<{ path: string; fileName: string; dispose: () => void }> {
  const absolute = resolve(dir);
  const folder = mkdtempSync(join(tmpdir(), 'gantry-pack-'));
  const fileName = `${basename(absolute)}.tar.gz`;
  const path = join(folder, fileName);
  await createTar({ gzip: true, file: path, cwd: dirname(absolute), portable: true }, [basename(absolute)]);
  return { path, fileName, dispose: () => rmSync(folder, { recursive: true, force: true }) };
}
