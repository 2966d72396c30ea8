import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestServer, type TestServer } from '../server/testServer';

describe('browser-origin defence', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await createTestServer({ allowedHosts: ['gantry.lab.example'] });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    // The refused upgrade leaves a keep-alive socket that close() would wait out.
    server.app.server.closeAllConnections();
    await server.close();
  });

  const get = (headers: Record<string, string>) => server.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: { authorization: `Bearer ${server.tokens.admin}`, ...headers } });
  const submit = (headers: Record<string, string>) =>
    server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: { authorization: `Bearer ${server.tokens.admin}`, ...headers }, payload: { command: ['true'] } });

  it('refuses a request addressed to a foreign Host (DNS rebinding) with 403, even with a valid token', async () => {
    const response = await get({ host: 'evil.example:7878' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/--allowed-host evil\.example/);
  });

  it('takes loopback names, IP literals and configured names as Host', async () => {
    for (const host of ['localhost:7878', '127.0.0.1:7878', '[::1]:7878', '10.1.2.3', 'gantry.lab.example:7878']) {
      expect((await get({ host })).statusCode, host).toBe(200);
    }
  });

  it('refuses a state-changing request from a foreign Origin, and takes one from its own', async () => {
    expect((await submit({ host: base, origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await submit({ host: base, origin: `http://${base}` })).statusCode).toBe(200);
    expect((await submit({ host: base })).statusCode).toBe(200);
    // Reads carry no side effects and are not readable cross-origin without CORS.
    expect((await get({ host: base, origin: 'https://evil.example' })).statusCode).toBe(200);
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a foreign Host', { host: 'evil.example' }],
  ])('refuses a WebSocket from %s before upgrading', async (_, headers) => {
    const socket = new WebSocket(`ws://${base}/api/v1/ws?token=${server.tokens.admin}`, { headers });
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);

  });

  it('forbids framing on every response', async () => {
    const response = await get({ host: base });
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });
});
