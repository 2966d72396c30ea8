import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimedJob, GantryClient, Job, type RegisteredWorker } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';
import { nextSubscription } from '../../support/nextSubscription';

const claimReply = (body: unknown): ClaimedJob[] => (body as { jobs: unknown[] }).jobs.map((job) => ClaimedJob.parse(job));

describe('the worker protocol over HTTP', () => {
  let server: TestServer;
  let worker: RegisteredWorker;
  beforeAll(async () => {
    server = await createTestServer();
    worker = await server.enrol('gpu-1');
  });
  afterAll(() => server.close());

  it('claims a job with a job-scoped token that reaches only that job', async () => {
    const job = server.coordinator.submit({ command: ['python', 'train.py'] });
    const other = server.coordinator.submit({ command: ['python', 'eval.py'], priority: -1 });
    const response = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1 });
    const [claimed] = claimReply(response.json());
    expect(claimed.job.id).toBe(job.id);
    expect(claimed.token).toMatch(/^gjob_/);

    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, claimed.token)).statusCode).toBe(200);
    const metrics = await server.call('POST', `/api/v1/jobs/${job.id}/metrics`, claimed.token, { attempt: claimed.attempt, points: [{ step: 1, name: 'loss', value: 0.5 }] });
    expect(metrics.json()).toEqual({ recorded: 1 });
    expect((await server.call('GET', `/api/v1/jobs/${other.id}`, claimed.token)).statusCode).toBe(403);
    expect((await server.call('POST', `/api/v1/jobs/${job.id}/cancel`, claimed.token)).statusCode).toBe(403);

    await server.call('POST', `/api/v1/jobs/${job.id}/finish`, worker.credential, { attempt: claimed.attempt, outcome: 'failed', exit_code: 1 });
    await server.call('POST', `/api/v1/jobs/${job.id}/retry`, server.tokens.admin);
    const [again] = claimReply((await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, {})).json());
    expect(again).toMatchObject({ job: { id: job.id }, attempt: claimed.attempt + 1 });
    // The job moved on to another attempt; the old attempt's token no longer opens it.
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, claimed.token)).statusCode).toBe(401);
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, again.token)).statusCode).toBe(200);
    server.coordinator.cancel(job.id);
    server.coordinator.cancel(other.id);
  });

  it('POST /api/v1/jobs/finish › finishes several attempts at once and reports a stale one without failing the rest', async () => {
    const jobs = [server.coordinator.submit({ command: ['a'] }), server.coordinator.submit({ command: ['b'] })];
    const claimed = claimReply((await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 2 })).json());
    expect(claimed.map((c) => c.job.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    const response = await server.call('POST', '/api/v1/jobs/finish', worker.credential, {
      results: [
        { job_id: jobs[0].id, attempt: 1, outcome: 'succeeded', exit_code: 0 },
        { job_id: jobs[1].id, attempt: 5, outcome: 'succeeded', exit_code: 0 },
      ],
    });
    expect(response.statusCode).toBe(200);
    const { results } = response.json() as { results: Array<{ job_id: number; job?: Job; error?: { code: string } }> };
    expect(results.map((r) => r.job?.state ?? r.error?.code)).toEqual(['succeeded', 'not_found']);
    expect((await server.call('POST', '/api/v1/jobs/finish', worker.credential, { results: [] })).statusCode).toBe(400);
    server.coordinator.finish(jobs[1].id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
  });

  it('appends log chunks and reads them back byte for byte with range headers', async () => {
    server.coordinator.submit({ command: ['run'] });
    const [claimed] = claimReply((await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, {})).json());
    const id = claimed.job.id;
    const chunks = [Buffer.from('\x1b[31mred\x1b[0m\r\n'), Buffer.from([0xff, 0xfe, 0x00, 0x41]), Buffer.from('progress 50%\rprogress 100%\n')];
    for (const [seq, chunk] of chunks.entries()) {
      const appended = await server.call('POST', `/api/v1/jobs/${id}/logs`, worker.credential, { attempt: claimed.attempt, seq, data_b64: chunk.toString('base64') });
      expect(appended.json()).toEqual({ accepted: true, next_seq: seq + 1 });
    }
    const repeat = await server.call('POST', `/api/v1/jobs/${id}/logs`, worker.credential, { attempt: claimed.attempt, seq: 0, data_b64: chunks[0].toString('base64') });
    expect(repeat.json().accepted).toBe(false);

    const whole = Buffer.concat(chunks);
    const first = await server.call('GET', `/api/v1/jobs/${id}/attempts/${claimed.attempt}/log?offset=0&length=5`, server.tokens.read);
    expect(first.headers['content-type']).toBe('application/octet-stream');
    expect(first.rawPayload.equals(whole.subarray(0, 5))).toBe(true);
    expect(first.headers).toMatchObject({ 'x-log-size': String(whole.length), 'x-next-offset': '5', 'x-log-complete': 'false' });
    const rest = await server.call('GET', `/api/v1/jobs/${id}/attempts/${claimed.attempt}/log?offset=5`, claimed.token);
    expect(rest.rawPayload.equals(whole.subarray(5))).toBe(true);

    const finished = await server.call('POST', `/api/v1/jobs/${id}/finish`, worker.credential, { attempt: claimed.attempt, outcome: 'succeeded', exit_code: 0 });
    expect(Job.parse(finished.json()).state).toBe('succeeded');
    const download = await server.call('GET', `/api/v1/jobs/${id}/attempts/${claimed.attempt}/log/download`, server.tokens.admin);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="job-${id}-attempt-${claimed.attempt}.log"`);
    expect(download.rawPayload.equals(whole)).toBe(true);
  });

  it('answers a heartbeat with the worker state and the lease TTL', async () => {
    const response = await server.call('POST', `/api/v1/workers/${worker.id}/heartbeat`, worker.credential, {});
    expect(response.json()).toMatchObject({ state: 'online', lease_ttl_s: expect.any(Number) });
  });

  describe('long-poll claim', () => {
    it('waits for a job submitted during the poll and hands it out', async () => {
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const client = new GantryClient({ baseUrl: `http://127.0.0.1:${port}`, token: worker.credential });
      const parked = nextSubscription(server.coordinator);
      const polled = client.call('claim', { params: { id: worker.id }, body: { wait_ms: 30_000 } }, 40_000);
      await parked;
      const job = server.coordinator.submit({ command: ['late'] });
      const { jobs } = await polled;
      expect(jobs.map((claimed) => claimed.job.id)).toEqual([job.id]);
      expect(jobs[0].token).toMatch(/^gjob_/);
    });

    it('claims nothing for a credential revoked while the poll waited: 401, and the job stays queued', async () => {
      const enrolment = server.coordinator.createToken({ name: 'revoked-while-parked', scope: 'worker' });
      const registered = (await server.call('POST', '/api/v1/workers', enrolment.token, { name: 'parked-revoked', cpus: 1, memory_mb: 1000 })).json() as RegisteredWorker;
      const parked = nextSubscription(server.coordinator);
      const polled = server.call('POST', `/api/v1/workers/${registered.id}/claim`, registered.credential, { wait_ms: 30_000 });
      await parked;
      server.coordinator.revokeToken(enrolment.record.id);
      const job = server.coordinator.submit({ command: ['after-revocation'], requirements: { tags: [] } });
      const refused = await polled;
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.stringMatching(/revoked while this claim waited/) } });
      expect(server.coordinator.getJob(job.id).state).toBe('queued');
      server.coordinator.cancel(job.id);
    });

    it('returns no jobs at once when the server closes', async () => {
      const closing = await createTestServer();
      const registered = await closing.enrol('w', { cpus: 1, memory_mb: 1 });
      const parked = nextSubscription(closing.coordinator);
      const polled = closing.call('POST', `/api/v1/workers/${registered.id}/claim`, registered.credential, { wait_ms: 60_000 });
      await parked;
      await closing.close();
      expect((await polled).json()).toEqual({ jobs: [] });
    });
  });
});
