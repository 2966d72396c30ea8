import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HeldThreadPool {
  /** Lets the held threads go; file operations queued meanwhile then run. Call it in a finally. */
  release(): void;
}

/**
 * Occupies every thread of this process's libuv pool, each blocked opening a FIFO that nobody
 * writes to yet, so file operations queued after this (fs streams opening, writing, closing) wait
 * until `release()`: what a loaded machine does at random, on cue. The pool takes work in order,
 * so nothing queued later can run first, even if a thread was busy when this was called.
 */
export function holdThreadPool(): HeldThreadPool {
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const dir = mkdtempSync(join(tmpdir(), 'gantry-held-pool-'));
  const fifos = Array.from({ length: size }, (_, i) => join(dir, `fifo-${i}`));
  for (const fifo of fifos) {
    execFileSync('mkfifo', [fifo]);
    open(fifo, 'r', (error, fd) => {
      if (!error) closeSync(fd);
    });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      // Opening the write end returns once the blocked reader has opened its end: that thread is free.
      for (const fifo of fifos) closeSync(openSync(fifo, 'w'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
