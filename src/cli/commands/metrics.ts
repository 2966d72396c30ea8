import type { Command } from 'commander';
import type { GantryClient, MetricsAnswer } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatEpochTable, formatMetricTable, formatSweepFinals } from '../format/metrics';
import { integerArg } from '../jobFlags';

interface MetricsFlags extends ConnectionFlags {
  name?: string;
  last?: boolean;
  epoch?: boolean;
  sweep?: number;
  x?: 'step' | 'time';
  csv?: boolean;
  json?: boolean;
}

/** Every page of a listing: the plain one comes in pages, each naming the next in X-Next-Cursor. */
async function allPages(client: GantryClient, id: number, query: Record<string, string | undefined>, read: (response: Response, first: boolean) => Promise<void>): Promise<void> {
  let after: string | undefined;
  for (let first = true; ; first = false) {
    const response = await client.request('listMetrics', { params: { id }, query: { ...query, after } });
    await read(response, first);
    after = response.headers.get('x-next-cursor') ?? undefined;
    if (!after) return;
  }
}

async function printJobMetrics(client: GantryClient, context: CliContext, id: number, flags: MetricsFlags): Promise<void> {
  const query = { name: flags.name, latest: flags.last ? '1' : undefined, by: flags.epoch ? 'epoch' : undefined } as const;
  if (flags.csv) {
    // Each page is a CSV with its header line; the header is printed once.
    return allPages(client, id, { ...query, format: 'csv' }, async (response, first) => {
      const text = await response.text();
      context.stdout.write(first ? text : text.slice(text.indexOf('\n') + 1));
    });
  }
  const rows: MetricsAnswer = [];
  await allPages(client, id, query, async (response) => void rows.push(...((await response.json()) as MetricsAnswer)));
  if (flags.json) printJson(context, rows);
  else printLine(context.stdout, flags.epoch ? formatEpochTable(rows) : formatMetricTable(rows));
}

async function printSweepMetrics(client: GantryClient, context: CliContext, sweep: number, flags: MetricsFlags): Promise<void> {
  const query = { name: flags.name, x: flags.x };
  if (flags.csv) {
    const response = await client.request('sweepMetrics', { params: { id: sweep }, query: { ...query, format: 'csv' } });
    context.stdout.write(await response.text());
    return;
  }
  const metrics = await client.call('sweepMetrics', { params: { id: sweep }, query });
  if (flags.json) printJson(context, metrics);
  else printLine(context.stdout, formatSweepFinals(metrics));
}

export function registerMetrics(program: Command, context: CliContext): void {
  const command = program
    .command('metrics')
    .summary('metric points a job reported (REST or `::metric {json}` lines), or one metric across a sweep')
    .argument('[id]', 'job id', integerArg(1))
    .option('--sweep <id>', "compare a sweep's jobs: final value of the metric per job, with its params", integerArg(1))
    .option('--name <name>', 'only this metric (with --sweep: the one compared; default the first name)')
    .option('--last', 'only the latest point of each metric')
    .option('--epoch', 'one row per metric and epoch: count, mean, min, max and last value')
    .option('--x <axis>', 'with --sweep --csv: x column, step or time (seconds since the first point)')
    .option('--csv', 'print CSV (with --sweep: every point of every job)')
    .option('--json', 'print the answer as JSON');
  addConnectionFlags(command);
  command.action(async (id: number | undefined, flags: MetricsFlags) => {
    if ((id === undefined) === (flags.sweep === undefined)) throw usageError('give a job id or --sweep ID (one of them)');
    if (flags.last && flags.epoch) throw usageError('--last and --epoch ask for different answers; give one');
    if (flags.x !== undefined && flags.x !== 'step' && flags.x !== 'time') throw usageError('--x is step or time');
    const { client } = await connect(flags, context);
    if (flags.sweep !== undefined) await printSweepMetrics(client, context, flags.sweep, flags);
    else await printJobMetrics(client, context, id as number, flags);
  });
}
