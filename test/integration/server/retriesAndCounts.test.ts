import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Explanation, Job, JobCounts } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer;
beforeEach(async () => (server = await createTestServer()));
afterEach(() => server.close());

describe('retry delays, lost attempts and unrunnable counts over HTTP', () => {
  it('POST /api/v1/jobs/sweep › gives every job the retry delay, backoff and lost-attempt budget it was sent', async () => {
    const body = { template: ['train', '--seed', '{seed}'], params: { seed: [1, 2] }, max_attempts: 3, retry_delay_s: 40, retry_backoff: true, max_lost_attempts: 5 };
    const response = await server.call('POST', '/api/v1/jobs/sweep', server.tokens.admin, body);
    expect(response.statusCode).toBe(200);
    for (const job of response.json<{ jobs: Job[] }>().jobs) {
      expect(job).toMatchObject({ retry_delay_s: 40, retry_backoff: true, max_lost_attempts: 5, counted_attempts: 0, lost_attempts: 0, retry_at: null });
    }
  });

  it('POST /api/v1/jobs › refuses a negative retry delay, naming the field', async () => {
    const response = await server.call('POST', '/api/v1/jobs', server.tokens.admin, { command: ['x'], retry_delay_s: -1 });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { field: string } }>().error.field).toBe('retry_delay_s');
  });

  it('GET /api/v1/jobs/:id/explain › says when a failed job retries', async () => {
    const worker = server.coordinator.registerWorker({ name: 'w', cpus: 4, memory_mb: 1000 }).id;
    const job = server.coordinator.submit({ command: ['flaky'], max_attempts: 2, retry_delay_s: 40 });
    server.coordinator.claim(worker);
    server.coordinator.finish(job.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    const response = await server.call('GET', `/api/v1/jobs/${job.id}/explain`, server.tokens.read);
    expect(response.statusCode).toBe(200);
    expect(response.json<Explanation>().summary).toMatch(/^retrying in 40 s/);
    expect((await server.call('GET', `/api/v1/jobs/${job.id}`, server.tokens.read)).json<Job>()).toMatchObject({ counted_attempts: 1, max_attempts: 2 });
  });

  it('GET /api/v1/jobs/counts › says how many queued jobs no worker seen could ever run', async () => {
    server.coordinator.registerWorker({ name: 'cpu-only', cpus: 4, memory_mb: 1000 });
    server.coordinator.submitBatch([{ command: ['gpu'], requirements: { gpus: 1 } }, { command: ['gpu'], requirements: { gpus: 2 } }, { command: ['cpu'] }]);
    const response = await server.call('GET', '/api/v1/jobs/counts', server.tokens.read);
    expect(response.json<JobCounts>()).toMatchObject({ queued: 3, unrunnable: 2 });
  });
});
