import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REPO_ROOT } from '../cli/harness';

/** An MCP client on the same SDK running `gantry mcp` as a child process, as a coding agent would. */
export async function stdioClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'gantry-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(REPO_ROOT, 'bin', 'gantry.js'), 'mcp'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GANTRY_URL: url, GANTRY_TOKEN: token },
    stderr: 'pipe',
  });
  await client.connect(transport);
  return client;
}

/** An MCP client on the coordinator's own /mcp endpoint (streamable HTTP). */
export async function httpClient(url: string, token: string | undefined): Promise<Client> {
  const client = new Client({ name: 'gantry-test', version: '1.0.0' });
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
}
