import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawHttpGet, type BodySink, type RawResponse } from '../../../src/agent/artifacts/rawHttpGet';

/** A server that hands each connection's socket to `answer` once the request head has arrived; the request heads are kept. */
async function rawServer(answer: (socket: Socket) => void): Promise<{ server: Server; url: URL; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n') && !requests.includes(head)) {
        requests.push(head);
        answer(socket);
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/files/a%20b.bin?x=1`), requests };
}

/** A sink that keeps every byte, reading into a small buffer so a body takes many reads. */
function memorySink(size = 4096): BodySink & { bytes(): Buffer } {
  const buffer = Buffer.alloc(size);
  const kept: Buffer[] = [];
  return {
    region: () => buffer,
    landed: (n) => void kept.push(Buffer.from(buffer.subarray(0, n))),
    bytes: () => Buffer.concat(kept),
  };
}

async function readAll(response: RawResponse): Promise<Buffer> {
  const sink = memorySink();
  await response.readInto(sink);
  return sink.bytes();
}

/** Writes `bytes` in pieces of `piece` bytes, each after the last was flushed, so the reader sees many small reads. */
async function writeInPieces(socket: Socket, bytes: Buffer, piece: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += piece) {
    await new Promise<void>((resolve, reject) => socket.write(bytes.subarray(at, at + piece), (error) => (error ? reject(error) : resolve())));
  }
}

describe('rawHttpGet', () => {
  let server: Server | null = null;
  afterEach(() => {
    server?.close();
    server = null;
  });

  it('reads a body of several MiB byte for byte, with the status, the headers and the request it sent', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const raw = await rawServer((socket) => {
      socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${bytes.length}\r\nX-Sha256: abc\r\nX-Twice: 1\r\nX-Twice: 2\r\n\r\n`);
      socket.end(bytes);
    });
    server = raw.server;
    const response = await rawHttpGet(raw.url, { authorization: 'Bearer t0k', range: 'bytes=5-' });
    expect(response.statusCode).toBe(206);
    expect(response.length).toBe(bytes.length);
    expect(response.headers).toMatchObject({ 'content-length': String(bytes.length), 'x-sha256': 'abc', 'x-twice': '1, 2' });
    expect((await readAll(response)).equals(bytes)).toBe(true);
    expect(raw.requests[0]).toMatch(/^GET \/files\/a%20b\.bin\?x=1 HTTP\/1\.1\r\n/);
    expect(raw.requests[0]).toContain('\r\nauthorization: Bearer t0k\r\n');
    expect(raw.requests[0]).toContain('\r\nrange: bytes=5-\r\n');
  });

  it("reads a head and body that arrive a few bytes at a time, the body starting in the head's last read", async () => {
    const bytes = randomBytes(50_000);
    const raw = await rawServer((socket) => {
      void writeInPieces(socket, Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${bytes.length}\r\n\r\n`), bytes]), 7_001).then(() => socket.end());
    });
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    expect(response.statusCode).toBe(200);
    expect((await readAll(response)).equals(bytes)).toBe(true);
  });

  it('reads a body that came whole with the head into a sink smaller than it', async () => {
    const bytes = randomBytes(10_000);
    const raw = await rawServer((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${bytes.length}\r\n\r\n`), bytes])));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    const sink = memorySink(1000);
    await response.readInto(sink);
    expect(sink.bytes().equals(bytes)).toBe(true);
  });

  it('reads an empty body', async () => {
    const raw = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    expect((await readAll(response)).length).toBe(0);
  });

  it("reads an error's body as text to the connection's end when it declares no length", async () => {
    const raw = await rawServer((socket) => socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{"error":{"code":"not_found","message":"gone"}}'));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    expect(response.statusCode).toBe(404);
    expect(await response.text()).toBe('{"error":{"code":"not_found","message":"gone"}}');
  });

  it('says a 2xx body is not framed by Content-Length, so the caller can ask node:http instead', async () => {
    const raw = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n'));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    expect(response.length).toBeNull();
    response.close();
  });

  it('fails the body when the connection closes before the declared length', async () => {
    const raw = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nonly this'));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    await expect(readAll(response)).rejects.toThrow(/closed 991 bytes before the end of the body/);
  });

  it('fails the body with what the sink throws (a disk write that failed, say)', async () => {
    const raw = await rawServer((socket) => socket.end(`HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n${'x'.repeat(100_000)}`));
    server = raw.server;
    const response = await rawHttpGet(raw.url, {});
    const failing: BodySink = {
      region: () => Buffer.alloc(1024),
      landed: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    };
    await expect(response.readInto(failing)).rejects.toThrow(/ENOSPC/);
  });

  it('fails when the connection closes before a response, or the answer is not HTTP', async () => {
    const closing = await rawServer((socket) => socket.end());
    server = closing.server;
    await expect(rawHttpGet(closing.url, {})).rejects.toThrow(/closed before a response arrived/);
    closing.server.close();
    const garbled = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    server = garbled.server;
    await expect(rawHttpGet(garbled.url, {})).rejects.toThrow(/not an HTTP\/1\.x response/);
  });

  it('stops reading and fails the body when aborted mid-body', async () => {
    const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100000000\r\n\r\nstart'));
    server = raw.server;
    const controller = new AbortController();
    const response = await rawHttpGet(raw.url, {}, controller.signal);
    const reading = readAll(response);
    controller.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a header value with a line break before connecting', async () => {
    await expect(rawHttpGet(new URL('http://127.0.0.1:9/x'), { authorization: 'Bearer a\r\nx-evil: 1' })).rejects.toThrow(/authorization header holds a line break/);
  });
});
