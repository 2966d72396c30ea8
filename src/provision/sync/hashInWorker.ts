import { Worker } from 'node:worker_threads';

/**
 * The worker's code, as plain CommonJS evaluated by `new Worker(…, { eval: true })`: no file of
 * its own to locate, so it runs the same from tsx, the server bundle and the desktop app's. It
 * reads each file with one reused 1 MiB buffer and posts the hex sha256 of each, in order.
 */
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.postMessage(workerData.paths.map((path) => {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}));
`;

/**
 * The sha256 of each file, computed on a thread of its own: while a sync hashes a directory it is
 * also packing and encrypting it on the main thread, and on a machine with a second core the two
 * no longer take turns.
 */
export function sha256OfFilesInWorker(paths: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: { paths } });
    let done = false;
    worker.once('message', (hashes: string[]) => {
      done = true;
      resolve(hashes);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`hashing the directory's files stopped (worker exit ${code})`));
    });
  });
}
