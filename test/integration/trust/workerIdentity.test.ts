import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimedJob, type RegisteredWorker } from '../../../src/shared';
import { createTestServer, type TestServer } from '../server/testServer';

const claimOne = async (server: TestServer, worker: RegisteredWorker): Promise<ClaimedJob> => {
  const response = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 });
  const [claimed] = (response.json() as { jobs: unknown[] }).jobs.map((job) => ClaimedJob.parse(job));
  return claimed;
};

describe('worker identity: a worker credential acts for its own worker only', () => {
  let server: TestServer;
  let owner: RegisteredWorker;
  let intruder: RegisteredWorker;
  beforeAll(async () => {
    server = await createTestServer();
    owner = await server.enrol('owner');
    intruder = await server.enrol('intruder');
  });
  afterAll(() => server.close());

  it('POST /api/v1/workers › returns a gwrk_ credential bound to the new worker, and stores only its hash', async () => {
    expect(owner.credential).toMatch(/^gwrk_[A-Za-z0-9_-]{40,}$/);
    expect(intruder.credential).not.toBe(owner.credential);
    expect(server.coordinator.workerByCredential(owner.credential)?.worker_id).toBe(owner.id);
  });

  it('refuses an enrolment token on every worker route but registration', async () => {
    const beat = await server.call('POST', `/api/v1/workers/${owner.id}/heartbeat`, server.tokens.worker, {});
    expect(beat.statusCode).toBe(403);
    expect(beat.json().error.message).toMatch(/enrolment token may only register/);
    expect((await server.call('POST', `/api/v1/workers/${owner.id}/claim`, server.tokens.worker, {})).statusCode).toBe(403);
    expect((await server.call('DELETE', `/api/v1/workers/${owner.id}`, server.tokens.worker)).statusCode).toBe(403);
    expect((await server.call('POST', '/api/v1/jobs/1/finish', server.tokens.worker, { attempt: 1, outcome: 'succeeded' })).statusCode).toBe(403);
  });

  it("refuses another worker's forged finish, log, claim, heartbeat and deregister with 403, and keeps the real result", async () => {
    const job = server.coordinator.submit({ command: ['train'] });
    const claimed = await claimOne(server, owner);
    expect(claimed.job.id).toBe(job.id);
    const finish = { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 };

    expect((await server.call('POST', `/api/v1/jobs/${job.id}/finish`, intruder.credential, finish)).statusCode).toBe(403);
    const batch = await server.call('POST', '/api/v1/jobs/finish', intruder.credential, { results: [{ job_id: job.id, ...finish }] });
    expect(batch.json().results[0].error.code).toBe('forbidden');
    const forgedLog = await server.call('POST', `/api/v1/jobs/${job.id}/logs`, intruder.credential, { attempt: claimed.attempt, seq: 0, data_b64: Buffer.from('forged').toString('base64') });
    expect(forgedLog.statusCode).toBe(403);
    const forgedMetrics = await server.call('POST', `/api/v1/jobs/${job.id}/metrics`, intruder.credential, { attempt: claimed.attempt, points: [{ name: 'loss', value: 0 }] });
    expect(forgedMetrics.statusCode).toBe(403);
    expect((await server.call('POST', `/api/v1/workers/${owner.id}/claim`, intruder.credential, {})).statusCode).toBe(403);
    expect((await server.call('POST', `/api/v1/workers/${owner.id}/heartbeat`, intruder.credential, {})).statusCode).toBe(403);
    expect((await server.call('DELETE', `/api/v1/workers/${owner.id}`, intruder.credential)).statusCode).toBe(403);
    expect(server.coordinator.getJob(job.id).state).toBe('running');

    const log = await server.call('POST', `/api/v1/jobs/${job.id}/logs`, owner.credential, { attempt: claimed.attempt, seq: 0, data_b64: Buffer.from('real').toString('base64') });
    expect(log.json()).toEqual({ accepted: true, next_seq: 1 });
    const real = await server.call('POST', `/api/v1/jobs/${job.id}/finish`, owner.credential, { ...finish, outcome: 'failed', exit_code: 3 });
    expect(real.json()).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(server.coordinator.readLog(job.id, claimed.attempt).data.toString()).toBe('real');
  });

  it('refuses to register a name held by another live worker (409), without taking it over', async () => {
    const response = await server.call('POST', '/api/v1/workers', server.tokens.worker, { name: 'owner', cpus: 1, memory_mb: 1 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.field).toBe('name');
    const rename = await server.call('POST', '/api/v1/workers', intruder.credential, { name: 'owner', cpus: 1, memory_mb: 1 });
    expect(rename.statusCode).toBe(409);
    expect(server.coordinator.getWorker(owner.id)).toMatchObject({ name: 'owner', state: 'online', cpus: 8 });
  });

  it('registers the holder of a credential again under the same id, keeping its credential and the attempts it still runs', async () => {
    const job = server.coordinator.submit({ command: ['long'] });
    const claimed = await claimOne(server, owner);
    const again = await server.call('POST', '/api/v1/workers', owner.credential, { name: 'owner', cpus: 8, memory_mb: 32_000, running: [{ job_id: job.id, attempt: claimed.attempt }] });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: owner.id, credential: owner.credential });
    expect(server.coordinator.getJob(job.id).state).toBe('running');
    server.coordinator.cancel(job.id);
  });

  it('gives an offline worker’s name to a new enrolment with a fresh credential; the old one keeps only its own id', async () => {
    const old = await server.enrol('moving');
    server.coordinator.deregisterWorker(old.id);
    const fresh = await server.enrol('moving');
    expect(fresh.id).toBe(old.id);
    expect(fresh.credential).not.toBe(old.credential);
    expect((await server.call('POST', `/api/v1/workers/${old.id}/heartbeat`, old.credential, {})).statusCode).toBe(401);
  });

  it('cuts off the credentials a worker token enrolled once that token is revoked', async () => {
    const enrolment = server.coordinator.createToken({ name: 'short-lived', scope: 'worker' });
    const response = await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'temp', cpus: 1, memory_mb: 1 });
    const temp = response.json() as RegisteredWorker;
    expect((await server.call('POST', `/api/v1/workers/${temp.id}/heartbeat`, temp.credential, {})).statusCode).toBe(200);
    server.coordinator.revokeToken(enrolment.record.id);
    expect((await server.call('POST', `/api/v1/workers/${temp.id}/heartbeat`, temp.credential, {})).statusCode).toBe(401);
  });

  it('moves the credential revision (what open agent channels re-check on) when a credential may have fallen, and only then', async () => {
    const { coordinator } = server;
    const start = coordinator.credentialRevision();
    const enrolment = coordinator.createToken({ name: 'revision', scope: 'worker' });
    const response = await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'revision-1', cpus: 1, memory_mb: 1 });
    const enrolled = response.json() as RegisteredWorker;
    await server.call('POST', '/api/v1/workers', enrolled.credential, { name: 'revision-1', cpus: 1, memory_mb: 1 });
    await server.call('POST', `/api/v1/workers/${enrolled.id}/heartbeat`, enrolled.credential, {});
    expect(coordinator.credentialRevision()).toBe(start);

    coordinator.deregisterWorker(enrolled.id);
    expect(coordinator.credentialRevision()).toBe(start);
    await server.enrol('revision-1');
    const afterReplaced = coordinator.credentialRevision();
    expect(afterReplaced).not.toBe(start);

    coordinator.revokeToken(enrolment.record.id);
    const afterRevoked = coordinator.credentialRevision();
    expect(afterRevoked).not.toBe(afterReplaced);
    coordinator.revokeToken(enrolment.record.id);
    expect(coordinator.credentialRevision()).toBe(afterRevoked);
  });
});
