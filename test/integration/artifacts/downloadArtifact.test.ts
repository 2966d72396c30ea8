import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadArtifact } from '../../../src/agent/artifacts/downloadArtifact';
import { uploadArtifact } from '../../../src/agent/artifacts/uploadArtifact';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

/** A proxy in front of the server that passes each reply on re-chunked: no Content-Length, Transfer-Encoding: chunked. */
async function rechunkingProxy(target: string): Promise<{ server: Server; url: string }> {
  const server = createServer((incoming, outgoing) => {
    // One upstream connection per request, gone with its client: a lingering one would hold the server's close() up.
    const upstream = request(`${target}${incoming.url}`, { method: incoming.method, headers: { ...incoming.headers, connection: 'close' }, agent: false }, (reply) => {
      const headers = { ...reply.headers };
      delete headers['content-length'];
      outgoing.writeHead(reply.statusCode ?? 502, headers);
      reply.pipe(outgoing);
    });
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('downloadArtifact', () => {
  let server: ArtifactServer;
  let jobId: number;
  let file: { path: string; sha256: string; bytes: Buffer };
  beforeAll(async () => {
    server = await startArtifactServer();
    jobId = server.coordinator.submit({ command: ['true'] }).id;
    file = server.randomFile('data.bin', 5 * 1024 * 1024 + 17);
    await uploadArtifact(server.admin, { jobId, path: file.path, name: 'out/data.bin' });
  });
  afterAll(() => server.close());

  it('writes the artifact byte for byte and returns its size and sha256', async () => {
    const dest = join(server.scratch, 'whole.bin');
    expect(await downloadArtifact(server.admin, jobId, 'out/data.bin', dest)).toEqual({ size: file.bytes.length, sha256: file.sha256 });
    expect(readFileSync(dest).equals(file.bytes)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('continues a .part left by an interrupted download with a Range request, checking the whole file', async () => {
    const dest = join(server.scratch, 'resumed.bin');
    writeFileSync(`${dest}.part`, file.bytes.subarray(0, 3 * 1024 * 1024 + 5));
    expect(await downloadArtifact(server.admin, jobId, 'out/data.bin', dest)).toEqual({ size: file.bytes.length, sha256: file.sha256 });
    expect(readFileSync(dest).equals(file.bytes)).toBe(true);
  });

  it('removes a .part whose bytes are not the artifact\'s, and leaves no file behind', async () => {
    const dest = join(server.scratch, 'wrong.bin');
    writeFileSync(`${dest}.part`, Buffer.alloc(1024, 7));
    await expect(downloadArtifact(server.admin, jobId, 'out/data.bin', dest)).rejects.toThrow(/hash to sha256 .* not .*the partial file was removed/);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('names the server\'s refusal for an artifact that does not exist', async () => {
    await expect(downloadArtifact(server.admin, jobId, 'out/missing.bin', join(server.scratch, 'missing.bin'))).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('hashes a file over 16 MiB on a worker reading it back, the .part an interrupted download left included', async () => {
    const large = server.randomFile('large.bin', 20 * 1024 * 1024 + 3);
    await uploadArtifact(server.admin, { jobId, path: large.path, name: 'out/large.bin' });
    const whole = join(server.scratch, 'large-whole.bin');
    expect(await downloadArtifact(server.admin, jobId, 'out/large.bin', whole)).toEqual({ size: large.bytes.length, sha256: large.sha256 });
    expect(readFileSync(whole).equals(large.bytes)).toBe(true);
    const resumed = join(server.scratch, 'large-resumed.bin');
    writeFileSync(`${resumed}.part`, large.bytes.subarray(0, 7 * 1024 * 1024 + 1));
    expect(await downloadArtifact(server.admin, jobId, 'out/large.bin', resumed)).toEqual({ size: large.bytes.length, sha256: large.sha256 });
    expect(readFileSync(resumed).equals(large.bytes)).toBe(true);
    const wrong = join(server.scratch, 'large-wrong.bin');
    writeFileSync(`${wrong}.part`, Buffer.alloc(1024, 7));
    await expect(downloadArtifact(server.admin, jobId, 'out/large.bin', wrong)).rejects.toThrow(/hash to sha256 .* not .*the partial file was removed/);
    expect(existsSync(`${wrong}.part`)).toBe(false);
  });

  it('downloads through a proxy that re-chunks the body, checked all the same', async () => {
    const proxy = await rechunkingProxy(server.url);
    try {
      const dest = join(server.scratch, 'proxied.bin');
      expect(await downloadArtifact({ ...server.admin, baseUrl: proxy.url }, jobId, 'out/data.bin', dest)).toEqual({ size: file.bytes.length, sha256: file.sha256 });
      expect(readFileSync(dest).equals(file.bytes)).toBe(true);
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });
});
