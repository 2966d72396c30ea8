import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatExplanation } from '../format/explanation';
import { integerArg } from '../jobFlags';

export function registerWhy(program: Command, context: CliContext): void {
  const command = program
    .command('why')
    .summary('why a job is not running (the scheduler explains)')
    .argument('<id>', 'job id', integerArg(1))
    .option('--json', 'print the explanation as JSON');
  addConnectionFlags(command);
  command.action(async (id: number, flags: ConnectionFlags & { json?: boolean }) => {
    const { client } = await connect(flags, context);
    const explanation = await client.call('explainJob', { params: { id } });
    if (flags.json) printJson(context, explanation);
    else printLine(context.stdout, formatExplanation(explanation));
  });
}
