import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, chmodSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** A JSON object of strings kept in one owner-only file, replaced atomically so a crash never leaves half a file. */
export function readSecretFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object`);
  const entries = Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

export function writeSecretFile(file: string, values: Record<string, string>): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  // 'wx' refuses to follow a planted symlink or reuse a file someone else created with a wider mode.
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(values, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The umask can only narrow 0600, but a pre-existing target keeps its mode unless set again.
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
