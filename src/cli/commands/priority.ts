import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printLine, type CliContext } from '../context';
import { integerArg, priorityArg } from '../jobFlags';

export function registerPriority(program: Command, context: CliContext): void {
  const command = program
    .command('priority')
    .summary("change a job's priority (higher runs first)")
    .argument('<id>', 'job id', integerArg(1))
    .argument('<n>', 'new priority, -1000000 to 1000000; negative values allowed', priorityArg);
  addConnectionFlags(command);
  command.action(async (id: number, priority: number, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const job = await client.call('setPriority', { params: { id }, body: { priority } });
    printLine(context.stdout, `job ${job.id}: priority ${job.priority}`);
  });
}
