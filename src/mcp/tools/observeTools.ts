import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LogStreamName, MetricRow, type GantryClient, type Worker } from '../../shared';
import { MAX_TAIL_BYTES, readLogTail } from '../logTail';
import { guarded, toolResult } from '../toolResult';
import { JobIdInput } from './jobTools';

const TailLogInput = JobIdInput.extend({
  bytes: z.number().int().min(1).max(MAX_TAIL_BYTES).default(8192).describe(`how many bytes from the end (at most ${MAX_TAIL_BYTES})`),
  attempt: z.number().int().positive().optional().describe('an earlier attempt; default: the latest'),
  stream: LogStreamName.optional().describe('stdout or stderr alone; default: both, interleaved'),
});

const GetMetricsInput = JobIdInput.extend({
  name: MetricRow.shape.name.optional().describe('one metric (e.g. loss); default: all'),
  last: z.number().int().min(1).max(10_000).default(200).describe('at most this many of the latest points'),
});

/** The latest value of each metric, one per line: what a model needs to judge progress. */
export function latestByName(points: MetricRow[]): Record<string, MetricRow> {
  const latest: Record<string, MetricRow> = {};
  for (const point of points) {
    const seen = latest[point.name];
    if (!seen || (point.step ?? point.at) >= (seen.step ?? seen.at)) latest[point.name] = point;
  }
  return latest;
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
    { title: "A job's metrics", description: 'Metric points a job reported (::metric lines or the API): the latest value of each, and the points.', inputSchema: GetMetricsInput, annotations: { readOnlyHint: true } },
    ({ id, name, last }) => guarded(async () => {
      const all = await client.call('listMetrics', { params: { id } });
      const points = (name === undefined ? all : all.filter((point) => point.name === name)).slice(-last);
      const latest = latestByName(points);
      const lines = Object.values(latest).map((point) => `${point.name} = ${point.value}${point.step === null ? '' : ` at step ${point.step}`}`);
      return toolResult(lines.length ? lines.join('\n') : `job ${id} has no metrics${name ? ` named ${name}` : ''}`, { latest, points });
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
