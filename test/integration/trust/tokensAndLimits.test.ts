import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimedJob, ErrorBody, type RegisteredWorker } from '../../../src/shared';
import { createTestServer, type TestServer } from '../server/testServer';

describe('job tokens live only as long as their attempt', () => {
  let server: TestServer;
  let worker: RegisteredWorker;
  let clock = 0;
  beforeAll(async () => {
    clock = Date.now();
    server = await createTestServer({ now: () => clock, jobTokenReadGraceMs: 60_000 });
    worker = await server.enrol('runner', { cpus: 64, memory_mb: 100_000 });
  });
  afterAll(() => server.close());

  const claim = async (): Promise<ClaimedJob> => {
    const response = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 });
    return ClaimedJob.parse((response.json() as { jobs: unknown[] }).jobs[0]);
  };
  const metric = (claimed: ClaimedJob, token = claimed.token) =>
    server.call('POST', `/api/v1/jobs/${claimed.job.id}/metrics`, token, { attempt: claimed.attempt, points: [{ name: 'loss', value: 1 }] });

  it('writes while the attempt runs, only reads for the grace after it ends, then nothing', async () => {
    server.coordinator.submit({ command: ['x'] });
    const claimed = await claim();
    expect((await metric(claimed)).statusCode).toBe(200);
    server.coordinator.finish(claimed.job.id, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
    expect((await metric(claimed)).statusCode).toBe(403);
    expect((await server.call('GET', `/api/v1/jobs/${claimed.job.id}`, claimed.token)).statusCode).toBe(200);
    // The coordinator keeps real time; the server's clock jumps past the grace after the attempt ended.
    clock = (server.coordinator.listAttempts(claimed.job.id)[0].finished_at as number) + 61_000;
    expect((await server.call('GET', `/api/v1/jobs/${claimed.job.id}`, claimed.token)).statusCode).toBe(401);
  });

  it('never hands out a removed job’s id again, so its old token opens nothing', async () => {
    server.coordinator.submit({ command: ['old'], priority: 100 });
    const claimed = await claim();
    server.coordinator.finish(claimed.job.id, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
    server.coordinator.remove(claimed.job.id);
    const next = server.coordinator.submit({ command: ['new'] });
    expect(next.id).toBeGreaterThan(claimed.job.id);
    expect((await server.call('GET', `/api/v1/jobs/${claimed.job.id}`, claimed.token)).statusCode).toBe(401);
    server.coordinator.cancel(next.id);
  });

  it('takes metrics and logs for the current attempt only', async () => {
    const job = server.coordinator.submit({ command: ['y'], max_attempts: 3, priority: 100 });
    const first = await claim();
    server.coordinator.finish(job.id, { attempt: first.attempt, outcome: 'failed', exit_code: 1 });
    const second = await claim();
    expect(second.attempt).toBe(first.attempt + 1);
    const stale = await server.call('POST', `/api/v1/jobs/${job.id}/metrics`, worker.credential, { attempt: first.attempt, points: [{ name: 'loss', value: 1 }] });
    expect(stale.statusCode).toBe(409);
    const staleLog = await server.call('POST', `/api/v1/jobs/${job.id}/logs`, worker.credential, { attempt: first.attempt, seq: 0, data_b64: 'eA==' });
    expect(staleLog.statusCode).toBe(409);
    const never = await server.call('POST', `/api/v1/jobs/${job.id}/metrics`, worker.credential, { attempt: 99, points: [{ name: 'loss', value: 1 }] });
    expect(never.statusCode).toBe(404);
    expect((await metric(second, worker.credential)).statusCode).toBe(200);
    expect((await metric(second, first.token)).statusCode).toBe(401);
    server.coordinator.cancel(job.id);
  });
});

describe('per-route body limits', () => {
  let server: TestServer;
  let worker: RegisteredWorker;
  beforeAll(async () => {
    server = await createTestServer();
    worker = await server.enrol('limits');
  });
  afterAll(() => server.close());

  it('refuses a heartbeat over its limit before parsing it, naming the limit', async () => {
    // Not even JSON: a 400 would mean it was parsed.
    const response = await server.app.inject({
      method: 'POST',
      url: `/api/v1/workers/${worker.id}/heartbeat`,
      headers: { authorization: `Bearer ${worker.credential}`, 'content-type': 'application/json' },
      payload: '['.repeat(300 * 1024),
    });
    expect(response.statusCode).toBe(413);
    const { error } = ErrorBody.parse(response.json());
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toContain(String(256 * 1024));
  });

  it('refuses a 6 MiB log chunk with 413 instead of crashing on it', async () => {
    const response = await server.call('POST', '/api/v1/jobs/1/logs', worker.credential, { attempt: 1, seq: 0, data_b64: 'A'.repeat(6 * 1024 * 1024) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.message).toContain(String(192 * 1024));
  });

  it('checks a whole log chunk’s base64 without a backtracking regex', async () => {
    server.coordinator.submit({ command: ['z'] });
    await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, {});
    const [job] = server.coordinator.listJobs({ state: ['running'] }).jobs;
    const good = Buffer.alloc(64 * 1024, 7).toString('base64');
    expect((await server.call('POST', `/api/v1/jobs/${job.id}/logs`, worker.credential, { attempt: 1, seq: 0, data_b64: good })).json()).toEqual({ accepted: true, next_seq: 1 });
    const bad = await server.call('POST', `/api/v1/jobs/${job.id}/logs`, worker.credential, { attempt: 1, seq: 1, data_b64: `${good.slice(0, -4)}A=AA` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('data_b64');
  });

  it('refuses a token in the query string on REST routes', async () => {
    expect((await server.call('GET', `/api/v1/jobs?token=${server.tokens.admin}`)).statusCode).toBe(401);
  });
});
