import type { Command } from 'commander';
import { applyToJobs } from '../applyToJobs';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import type { CliContext } from '../context';
import { collect, integerArg } from '../jobFlags';

export function registerRetry(program: Command, context: CliContext): void {
  const command = program
    .command('retry')
    .summary('queue failed, cancelled or blocked jobs again')
    .argument('<id...>', 'job ids', collect(integerArg(1)));
  addConnectionFlags(command);
  command.action(async (ids: number[], flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await applyToJobs(ids, context, async (id) => {
      const job = await client.call('retryJob', { params: { id } });
      return `job ${id}: ${job.state}`;
    });
  });
}
