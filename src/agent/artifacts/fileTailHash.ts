import { Worker } from 'node:worker_threads';

/**
 * The worker's code, as plain CommonJS evaluated by `new Worker(…, { eval: true })` (no file of its
 * own to locate, so it runs the same from tsx and from the agent bundle). It reads the file from
 * its start up to the offset the main thread publishes in shared memory, waiting on it while there
 * is nothing new. The end is published in the same slot, as -(size + 1): every change of the slot
 * then ends a wait, so no wake-up is lost between reading it and waiting on it.
 */
const TAIL_HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const shared = new BigInt64Array(workerData.shared);
const buffer = Buffer.allocUnsafe(256 * 1024);
const hash = createHash('sha256');
const fd = openSync(workerData.path, 'r');
let at = 0;
try {
  for (;;) {
    const published = Atomics.load(shared, 0);
    const ended = published < 0n;
    const available = Number(ended ? -published - 1n : published);
    if (at < available) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, available - at), at);
      if (read <= 0) throw new Error(workerData.path + ' ends at ' + at + ' bytes, not ' + available);
      hash.update(buffer.subarray(0, read));
      at += read;
    } else if (ended) break;
    else Atomics.wait(shared, 0, published);
  }
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

/** The worker is woken at most once per this many new bytes: each wake is a system call on the main thread. */
const WAKE_EVERY_BYTES = 1024 * 1024;

/**
 * The sha256 of a file, computed on a thread of its own while the file is being written or sent,
 * reading it back from the page cache. A transfer's main thread then only moves bytes: on a 1 GiB
 * transfer the hash is about 0.6 s of CPU, a third of a download client's and half of an upload
 * client's, and with a second core it no longer adds to the transfer's time.
 */
export class FileTailHash {
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private readonly digest: Promise<string>;
  private woken = 0;

  /** Hashes `path` from its start as far as `advance` says its bytes are there. */
  constructor(path: string) {
    this.worker = new Worker(TAIL_HASH_WORKER, { eval: true, workerData: { path, shared: this.shared.buffer } });
    this.digest = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`hashing ${path} stopped (worker exit ${code})`)));
    });
    // A transfer that fails before `finish` leaves this promise to nobody; its worker is stopped by `stop`.
    this.digest.catch(() => undefined);
  }

  /** The file's bytes up to `upTo` are written and may be hashed. */
  advance(upTo: number): void {
    Atomics.store(this.shared, 0, BigInt(upTo));
    if (upTo - this.woken < WAKE_EVERY_BYTES) return;
    this.woken = upTo;
    Atomics.notify(this.shared, 0);
  }

  /** The sha256 of the file's first `size` bytes, once the worker has read them. */
  async finish(size: number): Promise<string> {
    Atomics.store(this.shared, 0, -BigInt(size) - 1n);
    Atomics.notify(this.shared, 0);
    try {
      return await this.digest;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stops hashing (the transfer failed). */
  stop(): void {
    void this.worker.terminate();
  }
}

/** Files smaller than this are hashed on the main thread: starting a worker costs more than it saves. */
export const TAIL_HASH_MIN_BYTES = 16 * 1024 * 1024;
