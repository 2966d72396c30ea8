import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GantryClient, MetricRow } from '../shared';
import { MAX_TAIL_BYTES, readLogTail } from './logTail';
import { eachMetricPage } from './metricPoints';

/** `gantry://jobs/7/log` → 7; anything else is refused as the SDK's invalid-params error by the caller. */
function jobIdOf(variables: Record<string, string | string[]>): number {
  const raw = variables.id;
  const id = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`not a job id: ${String(raw)}`);
  return id;
}

/** A job's log (its last 64 KiB, readable text) and its metrics (JSON), as resources a client can attach. */
export function registerJobResources(server: McpServer, client: GantryClient): void {
  server.registerResource(
    'job-log',
    new ResourceTemplate('gantry://jobs/{id}/log', { list: undefined }),
    { title: "A job's log", description: `The end (up to ${MAX_TAIL_BYTES} bytes) of the latest attempt's output`, mimeType: 'text/plain' },
    async (uri, variables) => {
      const tail = await readLogTail(client, jobIdOf(variables), { bytes: MAX_TAIL_BYTES });
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: tail.text }] };
    },
  );
  server.registerResource(
    'job-metrics',
    new ResourceTemplate('gantry://jobs/{id}/metrics', { list: undefined }),
    { title: "A job's metrics", description: 'Every metric point the job reported, as JSON', mimeType: 'application/json' },
    async (uri, variables) => {
      const points: MetricRow[] = [];
      await eachMetricPage(client, jobIdOf(variables), undefined, (page) => points.push(...page));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(points) }] };
    },
  );
}
