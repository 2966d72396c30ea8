import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatAuthLog } from '../format/authLog';
import { integerArg } from '../jobFlags';

interface AuthLogFlags extends ConnectionFlags {
  json?: boolean;
  after: number;
  limit: number;
}

export function registerAuthLog(program: Command, context: CliContext): void {
  const command = program
    .command('auth-log')
    .summary('authentication failures and token changes (admin)')
    .option('--after <id>', 'only entries after this id', integerArg(0), 0)
    .option('--limit <n>', 'at most this many entries', integerArg(1), 1000)
    .option('--json', 'print the entries as JSON');
  addConnectionFlags(command);
  command.action(async (flags: AuthLogFlags) => {
    const { client } = await connect(flags, context);
    const entries = await client.call('authLog', { query: { after: flags.after, limit: flags.limit } });
    if (flags.json) printJson(context, entries);
    else printLine(context.stdout, formatAuthLog(entries));
  });
}
