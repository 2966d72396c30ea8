import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Between passes when the last one found nothing to copy; about redis's `appendfsync everysec`, five times over. */
const IDLE_INTERVAL_MS = 200;
/**
 * Between passes while writes keep coming: soon again, so what the main connection's own
 * autocheckpoint finds left to sync stays small, but not so soon that every hot page is rewritten
 * to the database file a hundred times a second.
 */
const BUSY_INTERVAL_MS = 50;
/** How long `stop()` waits for the thread to close its connection. */
const STOP_WAIT_MS = 5_000;

export interface BackgroundCheckpoint {
  /** Closes the thread's connection (waiting for a pass in progress) and ends the thread. */
  stop(): void;
}

/**
 * The thread's program, run with `eval` so that no separate file has to survive bundling (the CLI
 * is bundled): better-sqlite3 is loaded from the path the main thread resolved.
 * A PASSIVE checkpoint never waits for the writer, and never blocks it: it copies what is committed.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { file, idleMs, busyMs, done } = workerData;
const db = new Database(file);
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
let timer;
const pass = () => {
  let copied = 0;
  try {
    copied = db.pragma('wal_checkpoint(PASSIVE)')[0].checkpointed;
  } catch {
    // The main connection's own checkpoint holds the lock (SQLITE_BUSY): try again at the next pass.
  }
  timer = setTimeout(pass, copied > 0 ? busyMs : idleMs);
};
timer = setTimeout(pass, idleMs);
parentPort.once('message', () => {
  clearTimeout(timer);
  db.close();
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
  parentPort.close();
});
`;

/**
 * Checkpoints the database's WAL from a worker thread, so the fsyncs a checkpoint costs in WAL mode
 * with synchronous=NORMAL (the WAL before copying, the database after) happen off the event loop.
 * The main connection keeps its own autocheckpoint: when writes never pause, it still bounds the WAL,
 * but finds most frames already copied and synced. The durability is unchanged: a commit is in the
 * OS's hands at once (a process crash loses nothing); a power loss may lose what was committed since
 * the last pass, a fraction of a second, as redis with `appendfsync everysec` loses up to a second.
 * If the thread cannot start (no worker threads where we run), the main connection checkpoints as before.
 */
export function startBackgroundCheckpoint(file: string, resolveFrom: string): BackgroundCheckpoint {
  const done = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const driver = createRequire(resolveFrom).resolve('better-sqlite3');
    worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, file, idleMs: IDLE_INTERVAL_MS, busyMs: BUSY_INTERVAL_MS, done } });
  } catch {
    return { stop: () => undefined };
  }
  let failed = false;
  // A thread that failed leaves checkpoints to the main connection's autocheckpoint, as without it.
  worker.on('error', () => (failed = true));
  worker.unref();
  return {
    stop() {
      if (failed) return;
      worker.postMessage('stop');
      // Waits synchronously so that the caller may close its own connection and remove the files
      // knowing no other connection holds them.
      Atomics.wait(done, 0, 0, STOP_WAIT_MS);
    },
  };
}
