import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatMetricTable, latestPerName } from '../format/metrics';
import { integerArg } from '../jobFlags';

interface MetricsFlags extends ConnectionFlags {
  name?: string;
  last?: boolean;
  json?: boolean;
}

export function registerMetrics(program: Command, context: CliContext): void {
  const command = program
    .command('metrics')
    .summary('metric points a job reported (REST or `::metric {json}` lines)')
    .argument('<id>', 'job id', integerArg(1))
    .option('--name <name>', 'only this metric')
    .option('--last', 'only the latest point of each metric')
    .option('--json', 'print the points as JSON');
  addConnectionFlags(command);
  command.action(async (id: number, flags: MetricsFlags) => {
    const { client } = await connect(flags, context);
    let rows = await client.call('listMetrics', { params: { id } });
    if (flags.name !== undefined) rows = rows.filter((row) => row.name === flags.name);
    if (flags.last) rows = latestPerName(rows);
    if (flags.json) printJson(context, rows);
    else printLine(context.stdout, formatMetricTable(rows));
  });
}
