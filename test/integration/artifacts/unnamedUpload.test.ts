import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRequest, jsonReply } from '../../../src/agent/artifacts/artifactHttp';
import { ApiError, type UploadState } from '../../../src/shared';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

let server: ArtifactServer;
beforeAll(async () => {
  server = await startArtifactServer();
});
afterAll(() => server.close());

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function declare(jobId: number, body: object): Promise<UploadState> {
  return jsonReply<UploadState>(await artifactRequest(server.admin, { method: 'POST', path: `/api/v1/jobs/${jobId}/uploads`, json: body }));
}

async function send(jobId: number, state: UploadState, bytes: Buffer, sha256?: string): Promise<UploadState> {
  const naming = sha256 === undefined ? '' : `&sha256=${sha256}`;
  const path = `/api/v1/jobs/${jobId}/uploads/${state.id}?offset=${state.offset}${naming}`;
  return jsonReply<UploadState>(await artifactRequest(server.admin, { method: 'PATCH', path, bytes: Readable.from([bytes]) }));
}

describe('an upload declared without its sha256 (hashed while sent)', () => {
  it('waits with every byte until the client names the sha256, then stores the file', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const bytes = randomBytes(100_000);
    const started = await declare(job.id, { name: 'a.bin', size: bytes.length });
    expect(started).toMatchObject({ offset: 0, sha256: null, complete: false });
    const sent = await send(job.id, started, bytes);
    expect(sent).toMatchObject({ offset: bytes.length, sha256: null, complete: false });
    const named = await send(job.id, sent, Buffer.alloc(0), sha256Of(bytes));
    expect(named).toMatchObject({ complete: true, sha256: sha256Of(bytes), artifact: { name: 'a.bin', size: bytes.length } });
  });

  it('refuses a named sha256 the bytes do not have, naming the field, and keeps nothing', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const bytes = randomBytes(1000);
    const sent = await send(job.id, await declare(job.id, { name: 'b.bin', size: bytes.length }), bytes);
    const wrong = send(job.id, sent, Buffer.alloc(0), '0'.repeat(64));
    await expect(wrong).rejects.toBeInstanceOf(ApiError);
    await expect(wrong).rejects.toMatchObject({ status: 400, field: 'sha256' });
    expect(server.coordinator.artifacts.list(job.id)).toEqual([]);
  });

  it('starts a new session when declared again, never resuming bytes that may belong to another file', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const first = randomBytes(2000);
    const half = await send(job.id, await declare(job.id, { name: 'c.bin', size: first.length }), first.subarray(0, 1000));
    const again = await declare(job.id, { name: 'c.bin', size: first.length });
    expect(again.id).not.toBe(half.id);
    expect(again.offset).toBe(0);
  });
});
