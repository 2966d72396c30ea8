import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The `app;dur=MS` a reply's Server-Timing header carries, or null. */
function serverMs(header: unknown): number | null {
  const match = typeof header === 'string' ? /^app;dur=(\d+(?:\.\d+)?)$/.exec(header) : null;
  return match ? Number(match[1]) : null;
}

describe('Server-Timing', () => {
  it("tells a worker's claim how long the server spent on it (the e2e bench's claim breakdown)", async () => {
    server = await createTestServer();
    const worker = await server.enrol('timed');
    const response = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1, wait_ms: 0 });
    expect(response.statusCode).toBe(200);
    expect(serverMs(response.headers['server-timing'])).toBeGreaterThanOrEqual(0);
  });

  it('is on error replies too', async () => {
    server = await createTestServer();
    const response = await server.call('GET', '/api/v1/jobs/999999', server.tokens.read);
    expect(response.statusCode).toBe(404);
    expect(serverMs(response.headers['server-timing'])).toBeGreaterThanOrEqual(0);
  });
});
