import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimedJob, FinishBatchReply, type RegisteredWorker } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

const claimed = (body: unknown): ClaimedJob[] => (body as { jobs: unknown[] }).jobs.map((job) => ClaimedJob.parse(job));

describe('POST /api/v1/jobs/finish with claim: results and the next jobs in one call', () => {
  let server: TestServer;
  let worker: RegisteredWorker;
  let other: RegisteredWorker;
  beforeAll(async () => {
    server = await createTestServer();
    worker = await server.enrol('fc-1', { cpus: 1 });
    other = await server.enrol('fc-2', { cpus: 1 });
  });
  afterAll(() => server.close());

  it('stores the result and hands out the next job with its job token', async () => {
    const [first, second] = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] })];
    const [running] = claimed((await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 })).json());
    expect(running.job.id).toBe(first.id);
    const response = await server.call('POST', '/api/v1/jobs/finish', worker.credential, {
      results: [{ job_id: first.id, attempt: running.attempt, outcome: 'succeeded', exit_code: 0 }],
      claim: { max: 1 },
    });
    expect(response.statusCode).toBe(200);
    const reply = FinishBatchReply.parse(response.json());
    expect(reply.results.map((r) => r.job?.state)).toEqual(['succeeded']);
    expect(reply.jobs?.map((j) => [j.job.id, j.attempt])).toEqual([[second.id, 1]]);
    const token = reply.jobs?.[0].token ?? '';
    expect(token).toMatch(/^gjob_/);
    expect((await server.call('GET', `/api/v1/jobs/${second.id}`, token)).statusCode).toBe(200);
    server.coordinator.finish(second.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
  });

  it('answers `brief` results with job_id and state only, with or without a claim', async () => {
    const [first, second] = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] })];
    server.coordinator.claim(worker.id);
    const withClaim = await server.call('POST', '/api/v1/jobs/finish', worker.credential, {
      results: [{ job_id: first.id, attempt: 1, outcome: 'succeeded', exit_code: 0 }],
      claim: { max: 1 },
      brief: true,
    });
    const reply = FinishBatchReply.parse(withClaim.json());
    expect(reply.results).toEqual([{ job_id: first.id, state: 'succeeded' }]);
    expect(reply.jobs?.map((j) => j.job.id)).toEqual([second.id]);
    const alone = await server.call('POST', '/api/v1/jobs/finish', worker.credential, {
      results: [{ job_id: second.id, attempt: 1, outcome: 'failed', exit_code: 2 }],
      brief: true,
    });
    expect(alone.json()).toEqual({ results: [{ job_id: second.id, state: 'failed' }] });
  });

  it('refuses a foreign item in place and still claims for the caller', async () => {
    const [mine, theirs, next] = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] }), server.coordinator.submit({ command: ['c'] })];
    server.coordinator.claim(worker.id);
    server.coordinator.claim(other.id);
    const response = await server.call('POST', '/api/v1/jobs/finish', worker.credential, {
      results: [
        { job_id: mine.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: theirs.id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
      ],
      claim: { max: 1 },
    });
    const reply = FinishBatchReply.parse(response.json());
    expect(reply.results.map((r) => r.job?.state ?? r.error?.code)).toEqual(['succeeded', 'forbidden']);
    expect(server.coordinator.getJob(theirs.id).state).toBe('running');
    expect(reply.jobs?.map((j) => j.job.id)).toEqual([next.id]);
    server.coordinator.finish(theirs.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    server.coordinator.finish(next.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
  });

  it('refuses a claim from a caller that is no worker, naming the field, and finishes nothing', async () => {
    const job = server.coordinator.submit({ command: ['a'] });
    server.coordinator.claim(worker.id);
    const response = await server.call('POST', '/api/v1/jobs/finish', server.tokens.admin, {
      results: [{ job_id: job.id, attempt: 1, outcome: 'succeeded', exit_code: 0 }],
      claim: { max: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'invalid_request', field: 'claim' } });
    expect(server.coordinator.getJob(job.id).state).toBe('running');
    expect((await server.call('POST', '/api/v1/jobs/finish', worker.credential, { results: [{ job_id: job.id, attempt: 1, outcome: 'succeeded', exit_code: 0 }], claim: { max: 0 } })).statusCode).toBe(400);
    server.coordinator.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
  });

  it('keeps the plain reply without claim', async () => {
    const job = server.coordinator.submit({ command: ['a'] });
    server.coordinator.claim(worker.id);
    const response = await server.call('POST', '/api/v1/jobs/finish', worker.credential, { results: [{ job_id: job.id, attempt: 1, outcome: 'succeeded', exit_code: 0 }] });
    expect(Object.keys(response.json() as object)).toEqual(['results']);
  });
});
