import type { IncomingMessage, ServerResponse } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { GantryClient } from '../shared';
import { createGantryMcpServer } from './mcpServer';

/** Serves MCP on this process's stdin/stdout until the client closes stdin. */
export async function serveMcpOverStdio(client: GantryClient, version: string): Promise<void> {
  const server = createGantryMcpServer(client, version);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}

/**
 * Answers one MCP request over the streamable HTTP transport, statelessly: each request gets its
 * own server bound to the caller's client (and so the caller's token), and JSON replies rather
 * than an SSE stream, since no tool streams progress.
 */
export async function handleMcpHttpRequest(client: GantryClient, version: string, request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> {
  const server = createGantryMcpServer(client, version);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  response.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
}
