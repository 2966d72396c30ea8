import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GantryClient } from '../shared';
import { registerJobResources } from './resources';
import { registerJobTools } from './tools/jobTools';
import { registerObserveTools } from './tools/observeTools';

/**
 * Gantry for coding agents: every tool is a call to the coordinator's REST API with the caller's
 * token, so a read token's limits, redaction and errors are the API's own, not re-implemented here.
 */
export function createGantryMcpServer(client: GantryClient, version: string): McpServer {
  const server = new McpServer(
    { name: 'gantry', version },
    { instructions: 'Gantry queues commands on GPU/CPU workers. Submit with submit_job or submit_sweep (preview large sweeps with dry_run), follow with get_job, tail_log and get_metrics, and ask why_not_running when a job waits.' },
  );
  registerJobTools(server, client);
  registerObserveTools(server, client);
  registerJobResources(server, client);
  return server;
}
