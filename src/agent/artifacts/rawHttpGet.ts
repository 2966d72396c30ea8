import { connect, type Socket } from 'node:net';

/**
 * Where a body's bytes land as they are read: `region()` is the memory the next socket read fills
 * (never empty: net asks for the next one right after each read), and `landed(n)` says a read put
 * n bytes at its start, done with before it returns. An error it throws fails the body.
 */
export interface BodySink {
  region(): Uint8Array;
  landed(bytes: number): void;
}

/** A response head: the status and the headers, names in lower case. */
export interface RawHead {
  statusCode: number;
  headers: Record<string, string>;
}

/** A response whose head has arrived; its body is read with exactly one of `readInto` or `text`. */
export interface RawResponse extends RawHead {
  /** The body length Content-Length declares; null when the body is framed otherwise (chunked, or by the connection's end). */
  length: number | null;
  /** Reads a Content-Length body into `sink`, resolving once every byte landed. */
  readInto(sink: BodySink): Promise<void>;
  /** Reads a small body (an error's) whole. */
  text(): Promise<string>;
  close(): void;
}

/** A response head larger than this is refused: ours are a few hundred bytes. */
const MAX_HEAD_BYTES = 64 * 1024;
/** An error body is kept up to this size; the rest is read and dropped. */
const MAX_TEXT_BYTES = 64 * 1024;

function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: close'];
  for (const [name, value] of Object.entries(headers)) {
    // A value with a line break would smuggle headers or a second request onto the wire.
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`the ${name} header holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The status and headers of a response head (without its blank line); null when it is not HTTP/1.x. */
function parseHead(head: string): RawHead | null {
  const [statusLine, ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { statusCode: Number(status[1]), headers };
}

function declaredLength(headers: Record<string, string>): number | null {
  if (headers['transfer-encoding'] !== undefined && headers['transfer-encoding'].toLowerCase() !== 'identity') return null;
  const length = headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
}

function abortError(): Error {
  return Object.assign(new Error('the download was aborted'), { name: 'AbortError' });
}

/** What the socket's reads feed: the head, then a sink's memory, or an error body gathered as text. */
type Phase =
  | { kind: 'head' }
  | { kind: 'waiting' }
  | { kind: 'sink'; sink: BodySink; done: (error?: Error) => void }
  | { kind: 'text'; chunks: Buffer[]; kept: number; done: (error: Error | null, text?: string) => void };

/**
 * One GET over a connection of its own, with the body read straight into the caller's memory
 * (net's `onread`). node:http reads a socket into a fresh 64 KiB buffer, then its parser copies each
 * body piece into another fresh buffer and streams it: on loopback that cost about 1.6–1.9 s of CPU
 * per GiB before any hashing or writing, against 0.25–0.4 s for reads into reused memory here, and
 * a download's client is one JS thread. No library reads bodies this way (undici, which the agent
 * does not load for its memory, copies each piece too). Plain http only; https goes through node:http.
 */
class RawGet {
  private readonly socket: Socket;
  private readonly headBuffer = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private head = Buffer.alloc(0);
  private phase: Phase = { kind: 'head' };
  private remaining: number | null = null;
  /** Body bytes that came with the head, handed over when the body is asked for. */
  private leftover = Buffer.alloc(0);
  private ended = false;
  private failure: Error | null = null;
  /** Whether the memory net reads into next is the sink's (it is asked for right after each read, before a phase change takes effect). */
  private readingIntoSink = false;

  constructor(
    url: URL,
    headers: Record<string, string>,
    private readonly onHead: (head: RawHead) => void,
    private readonly onError: (error: Error) => void,
  ) {
    const request = requestHead(url, headers);
    this.socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      onread: { buffer: () => this.nextRegion(), callback: (bytes, buffer) => this.onRead(bytes, buffer) },
    });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => this.socket.write(request));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.onEnd());
  }

  get length(): number | null {
    return this.remaining;
  }

  readInto(sink: BodySink): Promise<void> {
    return new Promise((resolve, reject) => {
      this.phase = { kind: 'sink', sink, done: (error) => (error ? reject(error) : resolve()) };
      if (this.failure) return this.finishSink(this.failure);
      const leftover = this.leftover;
      this.leftover = Buffer.alloc(0);
      if (leftover.length > 0 && !this.copyIntoSink(sink, leftover)) return;
      if (this.remaining === 0) return this.finishSink();
      if (this.ended) return this.finishSink(new Error(`the connection closed ${this.remaining} bytes before the end of the body`));
      this.socket.resume();
    });
  }

  text(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.phase = { kind: 'text', chunks: [], kept: 0, done: (error, text) => (error ? reject(error) : resolve(text ?? '')) };
      if (this.leftover.length > 0) this.keepText(this.leftover);
      this.leftover = Buffer.alloc(0);
      if (this.failure || this.ended || this.remaining === 0) return this.finishText();
      this.socket.resume();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  fail(error: Error): false {
    if (this.failure) return false;
    this.failure = error;
    this.socket.destroy();
    if (this.phase.kind === 'head') this.onError(error);
    else if (this.phase.kind === 'sink') this.finishSink(error);
    else if (this.phase.kind === 'text') this.finishText();
    return false;
  }

  private nextRegion(): Uint8Array {
    this.readingIntoSink = this.phase.kind === 'sink';
    return this.phase.kind === 'sink' ? this.phase.sink.region() : this.headBuffer;
  }

  /** Called with each read; false pauses the socket. */
  private onRead(bytes: number, buffer: Uint8Array): boolean {
    const phase = this.phase;
    if (phase.kind === 'head') return this.readHead(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
    if (phase.kind === 'text') {
      this.keepText(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
      if (this.remaining !== null && this.remaining <= 0) this.finishText();
      return true;
    }
    if (phase.kind !== 'sink') return false;
    if (this.readingIntoSink) return this.bodyBytes(phase.sink, bytes);
    // The first read after the head, asked for before the body had a sink.
    return this.copyIntoSink(phase.sink, Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
  }

  private bodyBytes(sink: BodySink, bytes: number): boolean {
    const remaining = (this.remaining ?? 0) - bytes;
    if (remaining < 0) return this.fail(new Error('the server sent more bytes than it declared'));
    this.remaining = remaining;
    try {
      sink.landed(bytes);
    } catch (error) {
      return this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    if (remaining > 0) return true;
    this.finishSink();
    return false;
  }

  /**
   * Body bytes read outside the sink's memory (with the head, or by the read after it) are copied
   * in as if read there. False once the body ended or failed.
   */
  private copyIntoSink(sink: BodySink, bytes: Buffer): boolean {
    for (let at = 0; at < bytes.length; ) {
      const n = bytes.copy(sink.region(), 0, at);
      at += n;
      if (!this.bodyBytes(sink, n)) return false;
    }
    return true;
  }

  private readHead(bytes: Buffer): boolean {
    this.head = Buffer.concat([this.head, bytes]);
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0) return this.head.length < MAX_HEAD_BYTES || this.fail(new Error(`the response head is over ${MAX_HEAD_BYTES} bytes`));
    const head = parseHead(this.head.subarray(0, end).toString('latin1'));
    if (!head) return this.fail(new Error(`not an HTTP/1.x response: ${this.head.subarray(0, 80).toString('latin1')}`));
    this.remaining = declaredLength(head.headers);
    // Copied out: the head buffer is read into again.
    this.leftover = Buffer.from(this.head.subarray(end + 4));
    this.head = Buffer.alloc(0);
    this.phase = { kind: 'waiting' };
    this.onHead(head);
    // Paused until the caller asks for the body one way or the other.
    return false;
  }

  private keepText(bytes: Buffer): void {
    if (this.phase.kind !== 'text') return;
    if (this.remaining !== null) this.remaining -= bytes.length;
    if (this.phase.kept >= MAX_TEXT_BYTES) return;
    this.phase.chunks.push(Buffer.from(bytes.subarray(0, MAX_TEXT_BYTES - this.phase.kept)));
    this.phase.kept += Math.min(bytes.length, MAX_TEXT_BYTES - this.phase.kept);
  }

  /** The connection closed: the end of a body framed by it, or one cut short. */
  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    const phase = this.phase;
    if (phase.kind === 'head') this.fail(new Error('the connection closed before a response arrived'));
    else if (phase.kind === 'text') this.finishText();
    else if (phase.kind === 'sink' && (this.remaining ?? 0) > 0) this.fail(new Error(`the connection closed ${this.remaining} bytes before the end of the body`));
  }

  private finishSink(error?: Error): void {
    const phase = this.phase;
    if (phase.kind !== 'sink') return;
    this.phase = { kind: 'waiting' };
    this.socket.destroy();
    phase.done(error);
  }

  private finishText(): void {
    const phase = this.phase;
    if (phase.kind !== 'text') return;
    this.phase = { kind: 'waiting' };
    this.socket.destroy();
    phase.done(null, Buffer.concat(phase.chunks).toString());
  }
}

/** Starts a plain-http GET; resolves once the response head has arrived. */
export function rawHttpGet(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const abort = (): void => {
      get.fail(abortError());
      reject(abortError());
    };
    const get = new RawGet(
      url,
      headers,
      (head) =>
        resolve({
          ...head,
          length: get.length,
          readInto: (sink) => get.readInto(sink).finally(() => signal?.removeEventListener('abort', abort)),
          text: () => get.text().finally(() => signal?.removeEventListener('abort', abort)),
          close: () => {
            signal?.removeEventListener('abort', abort);
            get.close();
          },
        }),
      (error) => {
        signal?.removeEventListener('abort', abort);
        reject(error);
      },
    );
    signal?.addEventListener('abort', abort, { once: true });
  });
}
