import type { Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import type { BodySink } from './rawHttpGet';

/**
 * Each socket read's size. Small on purpose: the bytes are hashed and written while the read has
 * just left them in the core's cache. On a busy 2-core machine, 1 MiB reads written from the
 * thread pool cost the client 2.6–3.6 s of CPU per GiB, most of it in the kernel's copy of cold
 * bytes; 32 KiB reads hashed and written at once, 1.3–1.8 s (curl: about 1.0, without a hash).
 */
const READ_BYTES = 32 * 1024;

/**
 * A body sink that hashes each read and writes it to `fd` at once, synchronously, as curl does:
 * a write to the page cache takes microseconds, and doing it on the spot keeps one buffer reused
 * for the whole body. A disk write error is thrown, which fails the read.
 */
export class HashingFileSink implements BodySink {
  private readonly buffer = Buffer.allocUnsafeSlow(READ_BYTES);

  constructor(
    private readonly fd: number,
    private position: number,
    private readonly hash: Hash,
  ) {}

  region(): Uint8Array {
    return this.buffer;
  }

  landed(bytes: number): boolean {
    const piece = this.buffer.subarray(0, bytes);
    this.hash.update(piece);
    for (let at = 0; at < bytes; ) at += writeSync(this.fd, piece, at, bytes - at, this.position + at);
    this.position += bytes;
    return true;
  }
}
