import type { Command } from 'commander';
import { registerJobAction } from '../applyToJobs';
import type { CliContext } from '../context';

export function registerRetry(program: Command, context: CliContext): void {
  registerJobAction(program, context, {
    name: 'retry',
    summary: 'queue failed, cancelled or blocked jobs again',
    act: async (client, id) => `job ${id}: ${(await client.call('retryJob', { params: { id } })).state}`,
  });
}
