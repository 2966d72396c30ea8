import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, type CliContext } from '../context';

interface McpFlags extends ConnectionFlags {
  http?: boolean;
}

/** What a client's MCP config needs for the coordinator's /mcp endpoint (the token goes in a header). */
export function httpClientConfig(url: string, tokenHint: string): Record<string, unknown> {
  return { mcpServers: { gantry: { type: 'http', url: `${url}/mcp`, headers: { Authorization: `Bearer ${tokenHint}` } } } };
}

export function registerMcp(program: Command, context: CliContext, version: string): void {
  const command = program
    .command('mcp')
    .summary('a Model Context Protocol server for coding agents (stdio)')
    .description(
      'Serve MCP on stdin/stdout for a coding agent: tools submit_job, submit_sweep, list_jobs, get_job,\n' +
        'why_not_running, tail_log, get_metrics, cancel_job, list_workers; resources gantry://jobs/ID/log and\n' +
        '/metrics. Each tool calls the coordinator with the token found as for every command: give it a read\n' +
        'token (gantry tokens create --name NAME --scope read) to let the agent watch but not submit or cancel,\n' +
        'and --project P to keep it to one project.\n' +
        'With --http, print the client config for the coordinator\'s own streamable HTTP endpoint, /mcp.',
    )
    .option('--http', "print the MCP client config for the coordinator's /mcp endpoint (streamable HTTP) instead of serving stdio");
  addConnectionFlags(command);
  command.action(async (flags: McpFlags) => {
    const { client, connection } = await connect(flags, context);
    if (flags.http) {
      // Fails here, naming the cause, when the coordinator is down or refuses the token.
      await client.call('listWorkers');
      return printJson(context, httpClientConfig(connection.url, '<token>'));
    }
    // Loaded only here: the SDK is large, and every other command starts without it.
    const { serveMcpOverStdio } = await import('../../mcp');
    await serveMcpOverStdio(client, version);
  });
}
