import type { Command } from 'commander';
import { applyToJobs } from '../applyToJobs';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import type { CliContext } from '../context';
import { collect, integerArg } from '../jobFlags';

export function registerRm(program: Command, context: CliContext): void {
  const command = program
    .command('rm')
    .summary('remove jobs that are not running, with their logs')
    .argument('<id...>', 'job ids', collect(integerArg(1)));
  addConnectionFlags(command);
  command.action(async (ids: number[], flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await applyToJobs(ids, context, async (id) => {
      await client.call('removeJob', { params: { id } });
      return `job ${id}: removed`;
    });
  });
}
