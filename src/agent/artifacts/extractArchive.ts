import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Entry } from 'yauzl';

// tar and yauzl are loaded when a job first has an archive input: most agents never need them, and
// loaded at start they would add to every agent's resident set (see bench/README.md, e2e.agent.rss_mb).

/** A path inside `dir` for an archive entry, or null for one that would land outside it. */
function insideDir(dir: string, entry: string): string | null {
  const target = resolve(dir, entry);
  return target === dir || target.startsWith(dir + sep) ? target : null;
}

/** Extracts a zip with yauzl (which refuses absolute and `..` entry names); files and folders only, no links. Resolves to the entry count. */
async function extractZip(file: string, dir: string): Promise<number> {
  const { default: yauzl } = await import('yauzl');
  return new Promise((done, fail) => {
    let entries = 0;
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return fail(error ?? new Error('could not open the zip'));
      zip.on('error', fail);
      zip.on('end', () => done(entries));
      zip.on('entry', (entry: Entry) => {
        const target = insideDir(dir, entry.fileName);
        if (!target) return fail(new Error(`the zip entry ${entry.fileName} would land outside the directory`));
        entries++;
        if (entry.fileName.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          return zip.readEntry();
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return fail(streamError ?? new Error(`could not read ${entry.fileName}`));
          pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), fail);
        });
      });
      zip.readEntry();
    });
  });
}

/** node-tar (gzip detected by itself) strips absolute paths and `..` parts, and will not write through a link it made. */
async function extractTarball(file: string, dir: string): Promise<number> {
  const { extract: extractTar } = await import('tar');
  let entries = 0;
  await extractTar({ file, cwd: dir, onReadEntry: () => void entries++ });
  return entries;
}

/** Extracts `file` (a zip or a tar, plain or gzipped) into `dir`, which must exist; resolves to the number of entries. */
export function extractArchive(kind: 'zip' | 'tar', file: string, dir: string): Promise<number> {
  return kind === 'zip' ? extractZip(file, dir) : extractTarball(file, dir);
}
