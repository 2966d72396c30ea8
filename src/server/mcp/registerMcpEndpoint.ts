import type { FastifyInstance } from 'fastify';
import { GantryClient } from '../../shared';
import { bearerToken, type Authenticate } from '../auth/authenticate';
import { checkScope } from '../auth/authorize';
import type { BrowserChecks } from '../browser/browserGuard';
import { injectFetch } from './injectFetch';

export const MCP_PATH = '/mcp';

/**
 * MCP's streamable HTTP transport on the coordinator's port. Only read and admin tokens get in
 * (as on the live socket); each tool then calls the REST API with the same token, so what a read
 * token may not do there (cancel, submit) it may not do here either, with the API's own error.
 */
export function registerMcpEndpoint(app: FastifyInstance, authenticate: Authenticate, browser: BrowserChecks, version: string): void {
  const fetchInProcess = injectFetch(app);
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    onRequest: async (request) => {
      browser.host(request);
      browser.origin(request);
      const principal = authenticate({ token: bearerToken(request.headers.authorization), address: request.ip, target: `${request.method} ${MCP_PATH}` }, request.log);
      checkScope({ scopes: ['read'] }, principal);
    },
    handler: async (request, reply) => {
      const client = new GantryClient({ baseUrl: 'http://gantry.invalid', token: bearerToken(request.headers.authorization), fetch: fetchInProcess });
      // The transport writes the reply itself (JSON, or 405 for the SSE stream a stateless server has none of).
      reply.hijack();
      // Loaded on the first MCP request, so a coordinator nobody asks for MCP starts without the SDK.
      const { handleMcpHttpRequest } = await import('../../mcp');
      await handleMcpHttpRequest(client, version, request.raw, reply.raw, request.body);
    },
  });
}
