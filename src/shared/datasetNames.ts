/**
 * Dataset names for files uploaded as job inputs (`gantry submit --input FILE`, the Submit page's
 * attached files): the file's name, and when that name holds other bytes, the name with the start
 * of its sha256, the extension (which says the format) kept last.
 */

/** A name a dataset may have, made from a file's name: other characters become `-`. */
export function datasetNameFor(fileName: string): string {
  const name = fileName.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'upload' : name.slice(0, 200);
}

/** `data.tar.gz` → `data-1a2b3c4d.tar.gz`. */
export function datasetNameWithHash(fileName: string, sha256: string): string {
  const extension = /(\.tar\.gz|\.[^.]*)$/.exec(fileName)?.[0] ?? '';
  return datasetNameFor(`${fileName.slice(0, fileName.length - extension.length)}-${sha256.slice(0, 8)}${extension}`);
}
