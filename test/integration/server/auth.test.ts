import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ROUTES, type RouteDef } from '../../../src/shared';
import { createTestServer, dummyPath, type TestServer } from './testServer';

const routes = Object.entries(ROUTES) as Array<[string, RouteDef]>;
const guarded = routes.filter(([, route]) => route.scopes.length > 0);

describe('authentication and scopes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.close());

  it.each(guarded)('%s › refuses a request without a token with 401 in the error shape', async (_, route) => {
    const response = await server.call(route.method, dummyPath(route.path), undefined, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
    expect(response.statusCode).toBe(401);
    expect(ErrorBody.parse(response.json()).error.code).toBe('unauthorized');
  });

  it.each(guarded)('%s › refuses a wrong token with 401 in the error shape', async (_, route) => {
    const response = await server.call(route.method, dummyPath(route.path), 'gantry_not-a-real-token', route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
    expect(response.statusCode).toBe(401);
    expect(ErrorBody.parse(response.json()).error.code).toBe('unauthorized');
  });

  it('GET /api/v1/health › answers without a token', async () => {
    const response = await server.call('GET', '/api/v1/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: true });
  });

  it.each(guarded.filter(([, route]) => route.method !== 'GET'))('%s › refuses a read token with 403', async (_, route) => {
    const response = await server.call(route.method, dummyPath(route.path), server.tokens.read, {});
    expect(response.statusCode).toBe(403);
    expect(ErrorBody.parse(response.json()).error.code).toBe('forbidden');
  });

  it('POST /api/v1/tokens › refuses a worker token with 403', async () => {
    const response = await server.call('POST', '/api/v1/tokens', server.tokens.worker, { name: 'x', scope: 'admin' });
    expect(response.statusCode).toBe(403);
  });

  it('a revoked token gets 401', async () => {
    const created = server.coordinator.createToken({ name: 'soon revoked', scope: 'read' });
    expect((await server.call('GET', '/api/v1/jobs', created.token)).statusCode).toBe(200);
    server.coordinator.revokeToken(created.record.id);
    expect((await server.call('GET', '/api/v1/jobs', created.token)).statusCode).toBe(401);
  });

  describe('job tokens', () => {
    it('a stored job token reads its own job but gets 403 on another job and on the job list', async () => {
      const mine = server.coordinator.submit({ command: ['true'] });
      const other = server.coordinator.submit({ command: ['true'] });
      const { token } = server.coordinator.createToken({ name: 'job', scope: 'job', job_id: mine.id });
      expect((await server.call('GET', `/api/v1/jobs/${mine.id}`, token)).statusCode).toBe(200);
      expect((await server.call('GET', `/api/v1/jobs/${other.id}`, token)).statusCode).toBe(403);
      expect((await server.call('GET', '/api/v1/jobs', token)).statusCode).toBe(403);
      expect((await server.call('GET', '/api/v1/workers', token)).statusCode).toBe(403);
    });
  });
});

describe('failed authentication limit', () => {
  it('answers further failures from an address with 429 but never blocks a valid token from it', async () => {
    const server = await createTestServer({ authFailureLimits: { maxFailures: 3, windowMs: 60_000, blockMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) expect((await server.call('GET', '/api/v1/jobs', 'wrong')).statusCode).toBe(401);
      const refused = await server.call('GET', '/api/v1/jobs', 'wrong');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('rate_limited');
      expect((await server.call('GET', '/api/v1/jobs', server.tokens.admin)).statusCode).toBe(200);
      const worker = await server.enrol('still-beating');
      expect((await server.call('POST', `/api/v1/workers/${worker.id}/heartbeat`, worker.credential, {})).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});
