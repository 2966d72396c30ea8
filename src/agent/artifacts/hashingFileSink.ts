import type { Hash } from 'node:crypto';
import { close, open, writev } from 'node:fs';
import { Writable } from 'node:stream';

/** Bytes hashed and waiting for the disk before the writer holds the stream back. */
const QUEUED_BYTES = 1024 * 1024;

type Callback = (error?: Error | null) => void;

/**
 * Writes a body to a file from `offset` on, hashing each chunk as it arrives, and gives each chunk
 * back to `release` once it is on disk (a reader that reuses its buffers). One write at a time,
 * of everything queued meanwhile: concurrent writes to one file contend for its lock in the kernel,
 * which cost more system time than they saved. What reached the file before a failure is a prefix
 * of the body, so a resumed download rehashes it and goes on.
 */
export class HashingFileSink extends Writable {
  private fd: number | null = null;
  private position: number;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing = false;
  private failure: Error | null = null;
  /** A write's callback held back while QUEUED_BYTES wait for the disk. */
  private heldWrite: Callback | null = null;
  /** _final's and _destroy's callbacks, waiting for the queue to be written. */
  private whenIdle: Array<() => void> = [];

  constructor(
    private readonly path: string,
    offset: number,
    private readonly hash: Hash,
    private readonly release: (chunk: Buffer) => void = () => undefined,
  ) {
    super({ highWaterMark: QUEUED_BYTES });
    this.position = offset;
  }

  override _construct(done: Callback): void {
    // An existing part is written from where it ends: 'r+', since appending ('a') ignores positions.
    open(this.path, this.position > 0 ? 'r+' : 'w', 0o600, (error, fd) => {
      if (!error) this.fd = fd;
      done(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: Callback): void {
    if (this.failure) return done(this.failure);
    this.hash.update(chunk);
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.writing) this.writeQueue();
    if (this.queuedBytes < QUEUED_BYTES) done();
    else this.heldWrite = done;
  }

  override _final(done: Callback): void {
    this.afterWrites(() => done(this.failure));
  }

  override _destroy(error: Error | null, done: Callback): void {
    // The descriptor closes only once no write uses it: a number closed early may name another file by then.
    this.afterWrites(() => {
      const fd = this.fd;
      this.fd = null;
      if (fd === null) return done(error);
      close(fd, (closeError) => done(error ?? closeError));
    });
  }

  private writeQueue(): void {
    const chunks = this.queue;
    const bytes = this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    this.writing = true;
    this.writeAll(chunks, bytes, chunks);
  }

  /** Writes `chunks` (`bytes` in all) at the file's position, going on after a short write; `whole` are released after. */
  private writeAll(chunks: Buffer[], bytes: number, whole: Buffer[]): void {
    writev(this.fd as number, chunks, this.position, (error, written) => {
      if (!error) this.position += written;
      if (!error && written < bytes) return this.writeAll(remainder(chunks, written), bytes - written, whole);
      this.writing = false;
      if (error) this.failure ??= error;
      else for (const chunk of whole) this.release(chunk);
      if (this.queuedBytes > 0 && !this.failure) this.writeQueue();
      this.wake();
    });
  }

  private wake(): void {
    const held = this.heldWrite;
    if (held && (this.queuedBytes < QUEUED_BYTES || this.failure)) {
      this.heldWrite = null;
      held(this.failure);
    }
    if (this.writing) return;
    const idle = this.whenIdle;
    this.whenIdle = [];
    for (const then of idle) then();
  }

  private afterWrites(then: () => void): void {
    if (!this.writing) then();
    else this.whenIdle.push(then);
  }
}
/** What is left of `chunks` after the first `written` bytes. */
function remainder(chunks: Buffer[], written: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = written;
  for (const chunk of chunks) {
    if (skip >= chunk.length) skip -= chunk.length;
    else {
      rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  }
  return rest;
}
