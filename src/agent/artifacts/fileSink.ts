import { writeSync } from 'node:fs';
import type { BodySink } from './rawHttpGet';

/**
 * Each socket read's size. Small on purpose: the bytes are written (and hashed, for a small file)
 * while the read has just left them in the core's cache. On a busy 2-core machine, 1 MiB reads
 * written from the thread pool cost the client 2.6–3.6 s of CPU per GiB, most of it in the kernel's
 * copy of cold bytes; 32 KiB reads hashed and written at once, 1.3–1.8 s (curl: about 1.0, no hash).
 */
const READ_BYTES = 32 * 1024;

/** Told of each piece written and where the file's bytes now end: a hash fed inline, or a worker that reads the file back. */
export type WrittenPiece = (piece: Buffer, end: number) => void;

/**
 * A body sink that writes each read to `fd` at once, synchronously, as curl does, then tells `written`:
 * a write to the page cache takes microseconds, and doing it on the spot keeps one buffer reused
 * for the whole body. A disk write error is thrown, which fails the read.
 */
export class FileSink implements BodySink {
  private readonly buffer = Buffer.allocUnsafeSlow(READ_BYTES);

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly written: WrittenPiece,
  ) {}

  region(): Uint8Array {
    return this.buffer;
  }

  landed(bytes: number): void {
    const piece = this.buffer.subarray(0, bytes);
    for (let at = 0; at < bytes; ) at += writeSync(this.fd, piece, at, bytes - at, this.position + at);
    this.position += bytes;
    this.written(piece, this.position);
  }
}
