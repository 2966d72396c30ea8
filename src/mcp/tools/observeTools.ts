import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LogStreamName, MAX_METRICS_PAGE, MetricRow, type GantryClient, type Worker } from '../../shared';
import { MAX_TAIL_BYTES, readLogTail } from '../logTail';
import { eachMetricPage, readMetricPage, type MetricPointsPage } from '../metricPoints';
import { guarded, toolResult } from '../toolResult';
import { JobIdInput } from './jobTools';

const TailLogInput = JobIdInput.extend({
  bytes: z.number().int().min(1).max(MAX_TAIL_BYTES).default(8192).describe(`how many bytes from the end (at most ${MAX_TAIL_BYTES})`),
  attempt: z.number().int().positive().optional().describe('an earlier attempt; default: the latest'),
  stream: LogStreamName.optional().describe('stdout or stderr alone; default: both, interleaved'),
});

const GetMetricsInput = JobIdInput.extend({
  name: MetricRow.shape.name.optional().describe('one metric (e.g. loss); default: all'),
  last: z.number().int().min(1).max(10_000).default(200).describe('at most this many of the latest points (the last of the listing: by name, attempt, step)'),
  limit: z.number().int().min(1).max(MAX_METRICS_PAGE).optional().describe('instead of the latest points: one page of this many points from the start (or from cursor)'),
  cursor: z.string().min(1).max(1000).optional().describe('next_cursor of the previous page: read on from there'),
});

/** The latest point of each metric (the last of the latest attempt that reported it), by name. */
async function latestByName(client: GantryClient, id: number, name: string | undefined): Promise<Record<string, MetricRow>> {
  const rows = (await client.call('listMetrics', { params: { id }, query: { latest: true, name } })) as MetricRow[];
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

/** The last `last` points of the whole listing, read page by page (never more than a page and `last` points held). */
async function lastPoints(client: GantryClient, id: number, name: string | undefined, last: number): Promise<MetricPointsPage> {
  const kept: MetricRow[] = [];
  await eachMetricPage(client, id, name, (page) => {
    kept.push(...page);
    if (kept.length > last) kept.splice(0, kept.length - last);
  });
  return { points: kept, next_cursor: null };
}

function workerLine(worker: Worker): string {
  const gpus = worker.gpus.length ? `, ${worker.gpus.length} GPU (${[...new Set(worker.gpus.map((gpu) => gpu.model))].join(', ')})` : '';
  return `${worker.name} ${worker.state}: ${worker.cpus} CPU, ${worker.memory_mb} MB${gpus}, ${worker.running} running${worker.tags.length ? `, tags ${worker.tags.join(' ')}` : ''}`;
}

export function registerObserveTools(server: McpServer, client: GantryClient): void {
  server.registerTool(
    'tail_log',
    { title: "Tail a job's log", description: 'The end of a job\'s output (bounded bytes), colours and progress-bar redraws removed.', inputSchema: TailLogInput, annotations: { readOnlyHint: true } },
    ({ id, bytes, attempt, stream }) => guarded(async () => {
      const tail = await readLogTail(client, id, { bytes, attempt, stream });
      const head = tail.attempt === 0 ? `job ${id} has not started yet` : `job ${id} attempt ${tail.attempt}, bytes ${tail.offset}-${tail.size}${tail.complete ? ' (complete)' : ''}`;
      return toolResult(`${head}\n${tail.text}`, { ...tail });
    }),
  );

  server.registerTool(
    'get_metrics',
    { title: "A job's metrics", description: 'Metric points a job reported (::metric lines or the API): the latest value of each, and the last points, or one page of points with limit/cursor.', inputSchema: GetMetricsInput, annotations: { readOnlyHint: true } },
    ({ id, name, last, limit, cursor }) => guarded(async () => {
      const paging = limit !== undefined || cursor !== undefined;
      const [latest, page] = await Promise.all([
        latestByName(client, id, name),
        paging ? readMetricPage(client, id, { name, limit, cursor }) : lastPoints(client, id, name, last),
      ]);
      const lines = Object.values(latest).map((point) => `${point.name} = ${point.value}${point.step === null ? '' : ` at step ${point.step}`}`);
      if (page.next_cursor) lines.push(`(more points: cursor ${page.next_cursor})`);
      return toolResult(lines.length ? lines.join('\n') : `job ${id} has no metrics${name ? ` named ${name}` : ''}`, { latest, points: page.points, ...(paging ? { next_cursor: page.next_cursor } : {}) });
    }),
  );

  server.registerTool(
    'list_workers',
    { title: 'List workers', description: 'Workers with their state, CPUs, memory, GPUs, tags and running jobs.', inputSchema: z.strictObject({}), annotations: { readOnlyHint: true } },
    () => guarded(async () => {
      const workers = await client.call('listWorkers');
      return toolResult(workers.length ? workers.map(workerLine).join('\n') : 'no workers', { workers });
    }),
  );
}
