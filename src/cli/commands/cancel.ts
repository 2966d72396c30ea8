import type { Command } from 'commander';
import { applyToJobs } from '../applyToJobs';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import type { CliContext } from '../context';
import { collect, integerArg } from '../jobFlags';

export function registerCancel(program: Command, context: CliContext): void {
  const command = program
    .command('cancel')
    .summary('cancel jobs (running ones get SIGTERM, then SIGKILL)')
    .argument('<id...>', 'job ids', collect(integerArg(1)));
  addConnectionFlags(command);
  command.action(async (ids: number[], flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await applyToJobs(ids, context, async (id) => {
      const job = await client.call('cancelJob', { params: { id } });
      return `job ${id}: ${job.state}`;
    });
  });
}
