import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The named numbers of a Server-Timing header (`name;dur=N`, `name;desc=N`), in order. */
function timingParts(header: unknown): Array<[string, number]> {
  if (typeof header !== 'string') return [];
  return header.split(', ').map((part) => {
    const match = /^(\w+);(?:dur|desc)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!match) throw new Error(`not a Server-Timing part: ${JSON.stringify(part)}`);
    return [match[1], Number(match[2])];
  });
}

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

describe('Server-Timing', () => {
  it("cuts a worker's claim into the token check, the call and the whole (the e2e bench's claim breakdown)", async () => {
    server = await createTestServer();
    const worker = await server.enrol('timed');
    const response = await server.call('POST', `/api/v1/workers/${worker.id}/claim`, worker.credential, { max: 1, wait_ms: 0 });
    expect(response.statusCode).toBe(200);
    const parts = timingParts(response.headers['server-timing']);
    expect(parts.map(([name]) => name)).toEqual(['pre', 'handler', 'app', 'recv']);
    const [pre, handler, app] = parts.map(([, value]) => value);
    // Rounded to 0.01 ms each, so the parts may exceed the whole by that much.
    expect(pre + handler).toBeLessThanOrEqual(app + 0.02);
  });

  it('says when the server took the request, on the monotonic clock other processes of the host read', async () => {
    server = await createTestServer();
    const before = monotonicMs();
    const response = await server.call('GET', '/api/v1/jobs/999999', server.tokens.read);
    const after = monotonicMs();
    const recv = new Map(timingParts(response.headers['server-timing'])).get('recv');
    expect(recv).toBeGreaterThanOrEqual(before - 0.01);
    expect(recv).toBeLessThanOrEqual(after);
  });

  it('is on error replies too, without the handler parts where no handler ran', async () => {
    server = await createTestServer();
    const unauthenticated = await server.call('GET', '/api/v1/jobs', undefined);
    expect(unauthenticated.statusCode).toBe(401);
    // The monotonic clock counts from boot: a caller without a token is not told the host's uptime.
    expect(timingParts(unauthenticated.headers['server-timing']).map(([name]) => name)).toEqual(['app']);
    const wrongToken = await server.call('GET', '/api/v1/jobs', 'gantry_not-a-token');
    expect(wrongToken.statusCode).toBe(401);
    expect(timingParts(wrongToken.headers['server-timing']).map(([name]) => name)).toEqual(['app']);
    const missing = await server.call('GET', '/api/v1/jobs/999999', server.tokens.read);
    expect(missing.statusCode).toBe(404);
    expect(timingParts(missing.headers['server-timing']).map(([name]) => name)).toEqual(['app', 'recv']);
  });
});
