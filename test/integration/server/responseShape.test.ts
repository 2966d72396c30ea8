import { afterEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A coordinator that answers GET /api/v1/projects with a project missing its name. */
async function serverWithBrokenProjects(checkResponses?: boolean): Promise<TestServer> {
  server = await createTestServer(checkResponses === undefined ? {} : { checkResponses });
  const broken = { id: 1, description: '', created_at: 0 } as unknown as Project;
  server.coordinator.listProjects = () => [broken];
  return server;
}

describe('responses checked against the route table', () => {
  it('GET /api/v1/projects › answers 500 naming the field when a response departs from its schema', async () => {
    const s = await serverWithBrokenProjects(true);
    const response = await s.call('GET', '/api/v1/projects', s.tokens.read);
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: expect.stringMatching(/listProjects \(GET \/api\/v1\/projects\) does not match its schema: 0\.name: /) } });
  });

  it('is on for every server the tests start', async () => {
    expect(process.env.GANTRY_CHECK_RESPONSES).toBe('1');
    const s = await serverWithBrokenProjects();
    expect((await s.call('GET', '/api/v1/projects', s.tokens.read)).statusCode).toBe(500);
  });

  it('costs production nothing: unchecked, the handler result is sent as it is', async () => {
    const s = await serverWithBrokenProjects(false);
    const response = await s.call('GET', '/api/v1/projects', s.tokens.read);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ id: 1, description: '', created_at: 0 }]);
  });

  it('passes conforming responses through unchanged', async () => {
    server = await createTestServer({ checkResponses: true });
    const response = await server.call('GET', '/api/v1/projects', server.tokens.read);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([expect.objectContaining({ name: 'default' })]);
  });
});
