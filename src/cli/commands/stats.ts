import type { Command } from 'commander';
import { Period, StatsGrouping } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatStats } from '../format/stats';

interface StatsFlags extends ConnectionFlags {
  since: string;
  by: string;
  json?: boolean;
}

export function registerStats(program: Command, context: CliContext): void {
  const command = program
    .command('stats')
    .summary('GPU-hours and idle GPU-hours per project, label or worker; GPUs idle now')
    .option('--since <period>', 'how far back: 30m, 24h, 7d, 2w', '7d')
    .option('--by <grouping>', `one of ${StatsGrouping.options.join(', ')}`, 'project')
    .option('--json', 'print the whole report as JSON');
  addConnectionFlags(command);
  command.action(async (flags: StatsFlags) => {
    const since = Period.safeParse(flags.since);
    if (!since.success) throw usageError(`--since ${flags.since}: ${since.error.issues[0]?.message}`);
    const by = StatsGrouping.safeParse(flags.by);
    if (!by.success) throw usageError(`--by ${flags.by}: one of ${StatsGrouping.options.join(', ')}`);
    const { client } = await connect(flags, context);
    const report = await client.call('stats', { query: { since: flags.since, by: by.data } });
    if (flags.json) printJson(context, report);
    else printLine(context.stdout, formatStats(report, context.now()));
  });
}
