import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRequest, readBody } from '../../../src/agent/artifacts/artifactHttp';
import { uploadArtifact } from '../../../src/agent/artifacts/uploadArtifact';
import { Model } from '../../../src/shared';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

describe('models', () => {
  let server: ArtifactServer;
  beforeAll(async () => {
    server = await startArtifactServer();
  });
  afterAll(() => server.close());

  /** A job that reported metrics and kept `model.pt`. */
  async function trainedJob(bytes: number): Promise<{ jobId: number; sha256: string; content: Buffer }> {
    // Ahead of jobs other tests left queued, so this is the one claimed.
    const job = server.coordinator.submit({ command: ['true'], params: { lr: 0.01 }, priority: 100 });
    const worker = await server.enrol(`trainer-${job.id}`);
    const claimed = (await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 })).json().jobs[0];
    expect(claimed.job.id).toBe(job.id);
    server.coordinator.recordMetrics(job.id, 1, [
      { step: 1, name: 'loss', value: 0.9 },
      { step: 2, name: 'loss', value: 0.4 },
      { step: 2, name: 'acc', value: 0.8 },
    ]);
    const file = server.randomFile(`model-${job.id}`, bytes);
    await uploadArtifact(server.admin, { jobId: job.id, path: file.path, name: 'ckpt/model.pt' });
    server.coordinator.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0, error: null });
    return { jobId: job.id, sha256: file.sha256, content: file.bytes };
  }

  it('registers an artifact as numbered versions carrying the params and final metrics of its job', async () => {
    const { jobId, sha256, content } = await trainedJob(5000);
    const first = await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'resnet', job_id: jobId, artifact: 'ckpt/model.pt', metadata: { dataset: 'cifar10' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(Model.parse(first.json())).toMatchObject({ name: 'resnet', version: 1, sha256, size: 5000, job_id: jobId, artifact: 'ckpt/model.pt', params: { lr: 0.01 }, metrics: { loss: 0.4, acc: 0.8 }, metadata: { dataset: 'cifar10' } });
    const second = Model.parse((await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'resnet', job_id: jobId, artifact: 'ckpt/model.pt' })).json());
    expect(second.version).toBe(2);
    const versions = (await server.call('GET', '/api/v1/models/resnet', server.tokens.read)).json();
    expect(versions.map((m: Model) => m.version)).toEqual([2, 1]);
    const file = await artifactRequest(server.admin, { method: 'GET', path: '/api/v1/models/resnet/versions/1/file' });
    expect((await readBody(file)).equals(content)).toBe(true);
  });

  it('refuses an artifact the job does not have, and a bad name, naming the field', async () => {
    const job = server.coordinator.submit({ command: ['true'] });
    const missing = await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'x', job_id: job.id, artifact: 'nope.pt' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.field).toBe('name');
    const badName = await server.call('POST', '/api/v1/models', server.tokens.admin, { name: '../x', job_id: job.id, artifact: 'nope.pt' });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().error.field).toBe('name');
  });

  it('deleting a model removes all traces: its versions, and its file once the job that made it is gone', async () => {
    const { jobId, sha256 } = await trainedJob(3000);
    for (let i = 0; i < 2; i++) await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'doomed', job_id: jobId, artifact: 'ckpt/model.pt' });
    server.coordinator.remove(jobId);
    server.coordinator.artifacts.collect();
    const blob = join(server.dataDir, 'artifacts', 'blobs', sha256.slice(0, 2), sha256);
    expect(existsSync(blob), 'the models keep the file after the job went').toBe(true);

    const removed = await server.call('DELETE', '/api/v1/models/doomed', server.tokens.admin);
    expect(removed.json()).toEqual({ removed: 2 });
    expect((await server.call('GET', '/api/v1/models/doomed', server.tokens.admin)).statusCode).toBe(404);
    expect((await server.call('GET', '/api/v1/models', server.tokens.admin)).json().some((m: Model) => m.name === 'doomed')).toBe(false);
    expect(existsSync(blob)).toBe(false);
    expect(server.coordinator.artifacts.listModels().filter((m) => m.sha256 === sha256)).toEqual([]);
  });

  it('deleting one version keeps the file while another version or artifact still refers to it', async () => {
    const { jobId, sha256 } = await trainedJob(2000);
    await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'kept', job_id: jobId, artifact: 'ckpt/model.pt' });
    await server.call('POST', '/api/v1/models', server.tokens.admin, { name: 'kept', job_id: jobId, artifact: 'ckpt/model.pt' });
    expect((await server.call('DELETE', '/api/v1/models/kept/versions/1', server.tokens.admin)).json()).toEqual({ removed: 1 });
    expect(existsSync(join(server.dataDir, 'artifacts', 'blobs', sha256.slice(0, 2), sha256))).toBe(true);
    expect((await server.call('GET', '/api/v1/models/kept', server.tokens.admin)).json().map((m: Model) => m.version)).toEqual([2]);
  });
});
