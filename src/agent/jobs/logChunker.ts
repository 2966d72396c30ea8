import type { LogStream } from './jobProcess';

export interface LogChunkOut {
  seq: number;
  stream: LogStream;
  data: Buffer;
}

export interface LogChunkerOptions {
  /** A chunk is cut once this many bytes wait (64 KiB by default). */
  maxBytes?: number;
  /** Bytes wait at most this long before they are cut into a chunk (100 ms by default). */
  flushMs?: number;
}

/**
 * Cuts a job's output into chunks numbered 0, 1, 2… with one sequence across both streams.
 * A switch of stream cuts the chunk, so the chunks replay the interleaving the job produced.
 */
export class LogChunker {
  private seq = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingStream: LogStream = 'stdout';
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBytes: number;
  private readonly flushMs: number;

  constructor(
    private readonly emit: (chunk: LogChunkOut) => void,
    options: LogChunkerOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 64 * 1024;
    this.flushMs = options.flushMs ?? 100;
  }

  write(stream: LogStream, bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.pendingBytes > 0 && stream !== this.pendingStream) this.flush();
    this.pendingStream = stream;
    let rest = bytes;
    while (this.pendingBytes + rest.length >= this.maxBytes) {
      const take = this.maxBytes - this.pendingBytes;
      this.pending.push(rest.subarray(0, take));
      this.pendingBytes += take;
      rest = rest.subarray(take);
      this.flush();
    }
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    }
  }

  /** Cuts whatever waits into a chunk now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit({ seq: this.seq++, stream: this.pendingStream, data });
  }
}
