import type { Command } from 'commander';
import { registerJobAction } from '../applyToJobs';
import type { CliContext } from '../context';

export function registerCancel(program: Command, context: CliContext): void {
  registerJobAction(program, context, {
    name: 'cancel',
    summary: 'cancel jobs (running ones get SIGTERM, then SIGKILL)',
    act: async (client, id) => `job ${id}: ${(await client.call('cancelJob', { params: { id } })).state}`,
  });
}
