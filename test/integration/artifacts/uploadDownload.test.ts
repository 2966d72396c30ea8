import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRequest, readBody } from '../../../src/agent/artifacts/artifactHttp';
import { sha256OfFile, uploadArtifact } from '../../../src/agent/artifacts/uploadArtifact';
import { createCoordinator } from '../../../src/core';
import { ApiError, UploadState, type GantryError } from '../../../src/shared';
import { holdThreadPool } from '../../support/threadPool';
import { waitFor } from '../../support/waitFor';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

/** Hashes a download as it streams in, never holding it whole. */
async function downloadSha256(server: ArtifactServer, jobId: number, name: string, headers: Record<string, string> = {}): Promise<{ status: number; sha256: string; bytes: number; headers: Record<string, unknown> }> {
  const response = await artifactRequest(server.admin, { method: 'GET', path: `/api/v1/jobs/${jobId}/artifacts/${name}`, headers });
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { status: response.statusCode ?? 0, sha256: hash.digest('hex'), bytes, headers: response.headers };
}

async function download(server: ArtifactServer, jobId: number, name: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const response = await artifactRequest(server.admin, { method: 'GET', path: `/api/v1/jobs/${jobId}/artifacts/${name}`, headers });
  return { status: response.statusCode ?? 0, body: await readBody(response), headers: response.headers };
}

function blobFiles(server: ArtifactServer): string[] {
  const root = join(server.dataDir, 'artifacts', 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((fan) => readdirSync(join(root, fan)));
}

describe('artifact uploads and downloads', () => {
  let server: ArtifactServer;
  beforeAll(async () => {
    server = await startArtifactServer();
  });
  afterAll(() => server.close());

  async function declareUpload(jobId: number, name: string, file: { bytes: Buffer; sha256: string }): Promise<UploadState> {
    const created = await server.call('POST', `/api/v1/jobs/${jobId}/uploads`, server.tokens.admin, { name, size: file.bytes.length, sha256: file.sha256 });
    return UploadState.parse(created.json());
  }

  async function uploadState(jobId: number, id: string): Promise<UploadState> {
    return UploadState.parse((await server.call('GET', `/api/v1/jobs/${jobId}/uploads/${id}`, server.tokens.admin)).json());
  }

  /**
   * Sends `bytes` as the start of a PATCH body of `declaredLength` on a connection of its own, then
   * cuts it as a flaky network would; resolves once the server has seen that connection close.
   */
  async function sendThenDrop(path: string, bytes: Buffer, declaredLength: number): Promise<void> {
    const serverSide = new Promise<void>((resolve) => {
      server.app.server.once('connection', (socket: Socket) => socket.once('close', () => resolve()));
    });
    const req = request(`${server.url}${path}`, {
      method: 'PATCH',
      agent: false,
      headers: { authorization: `Bearer ${server.tokens.admin}`, 'content-type': 'application/octet-stream', 'content-length': String(declaredLength) },
    });
    req.on('error', () => undefined);
    req.write(bytes, () => setImmediate(() => req.destroy()));
    await serverSide;
  }

  it.each([
    ['1 byte', 1],
    ['10 MB', 10 * 1024 * 1024],
  ])('round-trips %s with byte equality and its sha256', async (_, size) => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile(`random-${size}`, size);
    const artifact = await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'out/data.bin' });
    expect(artifact).toMatchObject({ name: 'out/data.bin', size, sha256: file.sha256 });
    const listed = await server.call('GET', `/api/v1/jobs/${job.id}/artifacts`, server.tokens.admin);
    expect(listed.json()).toEqual([expect.objectContaining({ name: 'out/data.bin', size, sha256: file.sha256 })]);
    const fetched = await download(server, job.id, 'out/data.bin');
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(file.bytes)).toBe(true);
    expect(createHash('sha256').update(fetched.body).digest('hex')).toBe(file.sha256);
  });

  it('round-trips a 1 GB sparse file, streamed both ways', async () => {
    const size = 1024 ** 3;
    const path = server.sparseFile('sparse-1g', size);
    const sha256 = await sha256OfFile(path);
    const job = server.coordinator.submit({ command: ['true'] });
    const artifact = await uploadArtifact(server.admin, { jobId: job.id, path, name: 'big.bin' });
    expect(artifact).toMatchObject({ size, sha256 });
    const fetched = await downloadSha256(server, job.id, 'big.bin');
    expect(fetched).toMatchObject({ status: 200, sha256, bytes: size });
    const tail = await download(server, job.id, 'big.bin', { range: `bytes=${size - 16}-` });
    expect(tail.status).toBe(206);
    expect(tail.body.toString()).toBe(`mark@${size - 16}`.padEnd(16, '.'));
    server.coordinator.artifacts.remove(job.id, 'big.bin');
  }, 600_000);

  it('answers a Range with 206 and the bytes asked for, and an unsatisfiable one with 416', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('ranged', 1000);
    await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'ranged.bin' });
    const middle = await download(server, job.id, 'ranged.bin', { range: 'bytes=10-19' });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe('bytes 10-19/1000');
    expect(middle.body.equals(file.bytes.subarray(10, 20))).toBe(true);
    const suffix = await download(server, job.id, 'ranged.bin', { range: 'bytes=-5' });
    expect(suffix.body.equals(file.bytes.subarray(995))).toBe(true);
    const past = await download(server, job.id, 'ranged.bin', { range: 'bytes=1000-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */1000');
  });

  it('resumes an upload from what reached the disk after the connection drops mid-body', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('dropped', 4 * 1024 * 1024);
    const upload = await declareUpload(job.id, 'dropped.bin', file);
    const sent = file.bytes.subarray(0, 1024 * 1024);
    await sendThenDrop(`/api/v1/jobs/${job.id}/uploads/${upload.id}?offset=0`, sent, file.bytes.length);
    const partial = await waitFor(async () => {
      const state = await uploadState(job.id, upload.id);
      return state.offset === sent.length && state;
    }, 'every byte of the dropped upload to be on disk');
    expect(partial.complete).toBe(false);
    const artifact = await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'dropped.bin' });
    expect(artifact.sha256).toBe(file.sha256);
    const fetched = await download(server, job.id, 'dropped.bin');
    expect(fetched.body.equals(file.bytes)).toBe(true);
  });

  it('keeps every byte that reached the server when the connection drops before the part file could be written', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('dropped-while-busy', 1024 * 1024);
    const upload = await declareUpload(job.id, 'dropped-while-busy.bin', file);
    const sent = file.bytes.subarray(0, 256 * 1024);
    // A loaded machine's file threads: the part file cannot open (or take a write) until the connection is gone.
    const pool = holdThreadPool();
    try {
      await sendThenDrop(`/api/v1/jobs/${job.id}/uploads/${upload.id}?offset=0`, sent, file.bytes.length);
    } finally {
      pool.release();
    }
    await waitFor(async () => (await uploadState(job.id, upload.id)).offset === sent.length, 'every byte that reached the server to be on disk');
    const part = readFileSync(join(server.dataDir, 'artifacts', 'uploads', `${upload.id}.part`));
    expect(part.equals(sent)).toBe(true);
    const artifact = await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'dropped-while-busy.bin' });
    expect(artifact.sha256).toBe(file.sha256);
  });

  it('stores identical files once, and removes the bytes when the last artifact referring to them goes', async () => {
    const first = server.coordinator.submit({ command: ['true'] });
    const second = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('twice', 64 * 1024);
    const before = blobFiles(server).length;
    await uploadArtifact(server.admin, { jobId: first.id, path: file.path, name: 'a.bin' });
    const again = await server.call('POST', `/api/v1/jobs/${second.id}/uploads`, server.tokens.admin, { name: 'b.bin', size: file.bytes.length, sha256: file.sha256 });
    expect(UploadState.parse(again.json())).toMatchObject({ complete: true, offset: file.bytes.length });
    expect(blobFiles(server)).toHaveLength(before + 1);
    expect(blobFiles(server)).toContain(file.sha256);
    server.coordinator.artifacts.remove(first.id, 'a.bin');
    expect(blobFiles(server)).toContain(file.sha256);
    expect((await server.call('DELETE', `/api/v1/jobs/${second.id}/artifacts/b.bin`, server.tokens.admin)).statusCode).toBe(200);
    expect(blobFiles(server)).not.toContain(file.sha256);
    expect((await download(server, second.id, 'b.bin')).status).toBe(404);
  });

  it('removes the bytes of a removed job at the next collection', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('removed-job', 1024);
    await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'x.bin' });
    server.coordinator.cancel(job.id);
    server.coordinator.remove(job.id);
    server.coordinator.artifacts.collect();
    expect(blobFiles(server)).not.toContain(file.sha256);
  });

  it('refuses bytes that do not hash to the declared sha256, naming the field, and keeps nothing', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const file = server.randomFile('liar', 2048);
    const created = UploadState.parse((await server.call('POST', `/api/v1/jobs/${job.id}/uploads`, server.tokens.admin, { name: 'y.bin', size: 2048, sha256: 'f'.repeat(64) })).json());
    const response = await artifactRequest(server.admin, { method: 'PATCH', path: `/api/v1/jobs/${job.id}/uploads/${created.id}?offset=0`, bytes: createReadStream(file.path) });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse((await readBody(response)).toString()).error).toMatchObject({ field: 'sha256' });
    expect((await server.call('GET', `/api/v1/jobs/${job.id}/artifacts`, server.tokens.admin)).json()).toEqual([]);
    expect((await server.call('GET', `/api/v1/jobs/${job.id}/uploads/${created.id}`, server.tokens.admin)).statusCode).toBe(404);
  });

  it('refuses names that would leave the job directory', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    for (const name of ['../x', '/etc/passwd', 'a/../../b', 'a//b']) {
      const response = await server.call('POST', `/api/v1/jobs/${job.id}/uploads`, server.tokens.admin, { name, size: 1, sha256: 'a'.repeat(64) });
      expect(response.statusCode, name).toBe(400);
      expect(response.json().error.field).toBe('name');
    }
  });

  it('lets a running job upload with its own token, and refuses that token once the attempt ended', async () => {
    // Ahead of the other tests' queued jobs, so this is the one claimed.
    const job = server.coordinator.submit({ command: ['true'], priority: 100 });
    const worker = await server.enrol('uploader');
    const claimed = (await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 })).json().jobs[0];
    expect(claimed.job.id).toBe(job.id);
    const file = server.randomFile('by-job', 100);
    const artifact = await uploadArtifact({ baseUrl: server.url, token: claimed.token }, { jobId: job.id, path: file.path, name: 'metrics.json' });
    expect(artifact.attempt).toBe(claimed.attempt);
    const other = server.coordinator.submit({ command: ['true'] });
    const foreign = await server.call('POST', `/api/v1/jobs/${other.id}/uploads`, claimed.token, { name: 'x', size: 1, sha256: 'a'.repeat(64) });
    expect(foreign.statusCode).toBe(403);
    server.coordinator.finish(job.id, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0, error: null });
    const late = await uploadArtifact({ baseUrl: server.url, token: claimed.token }, { jobId: job.id, path: file.path, name: 'late.json' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ApiError);
    expect((late as ApiError).status).toBe(403);
  });
});

describe('artifact size limits', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-artifact-limits-'));
  const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null, artifacts: { maxFileBytes: 1000, maxJobBytes: 1500 } });
  afterAll(() => {
    coordinator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const refusal = (fn: () => unknown): GantryError => {
    try {
      fn();
    } catch (error) {
      return error as GantryError;
    }
    throw new Error('expected a refusal');
  };

  it('refuses a file over the per-file limit, naming the limit', () => {
    const job = coordinator.submit({ command: ['true'] });
    const error = refusal(() => coordinator.artifacts.createUpload(job.id, { name: 'big', size: 1001, sha256: 'a'.repeat(64) }, null));
    expect(error).toMatchObject({ code: 'payload_too_large', field: 'size' });
    expect(error.message).toContain('per-file artifact limit (max_file_bytes) is 1000 bytes');
  });

  it("refuses a file that would take the job's artifacts over the per-job limit, naming the limit", () => {
    const job = coordinator.submit({ command: ['true'] });
    coordinator.artifacts.createUpload(job.id, { name: 'empty', size: 0, sha256: createHash('sha256').digest('hex') }, null);
    expect(coordinator.artifacts.createUpload(job.id, { name: 'first', size: 900, sha256: 'b'.repeat(64) }, null).complete).toBe(false);
    const error = refusal(() => coordinator.artifacts.createUpload(job.id, { name: 'second', size: 900, sha256: 'c'.repeat(64) }, null));
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toContain('per-job artifact limit (max_job_bytes) is 1500 bytes');
  });
});
