import type { Command } from 'commander';
import { registerJobAction } from '../applyToJobs';
import type { CliContext } from '../context';

export function registerRm(program: Command, context: CliContext): void {
  registerJobAction(program, context, {
    name: 'rm',
    summary: 'remove jobs that are not running, with their logs',
    act: async (client, id) => {
      await client.call('removeJob', { params: { id } });
      return `job ${id}: removed`;
    },
  });
}
