import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { artifactRequest, jsonReply } from '../../../src/agent/artifacts/artifactHttp';
import { uploadDataset } from '../../../src/cli/artifacts/uploadDataset';
import { ApiError, type UploadState } from '../../../src/shared';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

let server: ArtifactServer;
beforeAll(async () => {
  server = await startArtifactServer();
});
afterAll(() => server.close());

const CSV = 'a,b\n1,2\n3,4\n5,6\n';
const sha256Of = (text: string): string => createHash('sha256').update(text).digest('hex');

async function call(method: 'POST' | 'PATCH', path: string, body: { json?: unknown; bytes?: string }): Promise<UploadState> {
  const bytes = body.bytes === undefined ? undefined : Readable.from([Buffer.from(body.bytes)]);
  return jsonReply<UploadState>(await artifactRequest(server.admin, { method, path, json: body.json, bytes }));
}

describe('a dataset upload declared without its sha256 (hashed while sent)', () => {
  it('waits with every byte until the client names the sha256, then stores the dataset with what it read from it', async () => {
    const started = await call('POST', '/api/v1/datasets/uploads', { json: { name: 'unnamed-rows', file_name: 'rows.csv', size: CSV.length } });
    expect(started).toMatchObject({ offset: 0, sha256: null, complete: false });
    const sent = await call('PATCH', `/api/v1/datasets/uploads/${started.id}?offset=0`, { bytes: CSV });
    expect(sent).toMatchObject({ offset: CSV.length, sha256: null, complete: false, dataset: null });
    const named = await call('PATCH', `/api/v1/datasets/uploads/${started.id}?offset=${CSV.length}&sha256=${sha256Of(CSV)}`, { bytes: '' });
    expect(named).toMatchObject({ complete: true, dataset: { name: 'unnamed-rows', sha256: sha256Of(CSV), format: 'csv', rows: 3, columns: ['a', 'b'] } });
  });

  it('refuses a named sha256 the bytes do not have, naming the field, and stores no dataset', async () => {
    const started = await call('POST', '/api/v1/datasets/uploads', { json: { name: 'wrong-rows', file_name: 'rows.csv', size: CSV.length } });
    const wrong = call('PATCH', `/api/v1/datasets/uploads/${started.id}?offset=0&sha256=${'0'.repeat(64)}`, { bytes: CSV });
    await expect(wrong).rejects.toBeInstanceOf(ApiError);
    await expect(wrong).rejects.toMatchObject({ status: 400, field: 'sha256' });
    expect(server.coordinator.artifacts.listDatasets().map((d) => d.name)).not.toContain('wrong-rows');
  });
});

describe('uploadDataset (the CLI client)', () => {
  it('declares the file by size alone, and names the sha256 it hashed while sending', async () => {
    const path = join(server.scratch, 'sent.csv');
    writeFileSync(path, CSV);
    const declare = vi.spyOn(server.coordinator.artifacts, 'createDatasetUpload');
    try {
      const dataset = await uploadDataset(server.admin, { path, name: 'sent', fileName: 'sent.csv' });
      expect(declare).toHaveBeenCalledTimes(1);
      expect(declare.mock.calls[0][0]).not.toHaveProperty('sha256');
      expect(dataset).toMatchObject({ name: 'sent', sha256: sha256Of(CSV), size: CSV.length, rows: 3 });
    } finally {
      declare.mockRestore();
    }
  });

  it('declares a sha256 the caller knows, so content the store holds is not sent again', async () => {
    const path = join(server.scratch, 'again.csv');
    writeFileSync(path, CSV);
    const send = vi.spyOn(server.coordinator.artifacts, 'appendDatasetUpload');
    try {
      const dataset = await uploadDataset(server.admin, { path, name: 'again', fileName: 'again.csv', sha256: sha256Of(CSV) });
      expect(dataset).toMatchObject({ name: 'again', sha256: sha256Of(CSV) });
      expect(send).not.toHaveBeenCalled();
    } finally {
      send.mockRestore();
    }
  });
});
