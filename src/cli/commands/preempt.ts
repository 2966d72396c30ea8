import type { Command } from 'commander';
import { registerJobAction } from '../applyToJobs';
import type { CliContext } from '../context';

export function registerPreempt(program: Command, context: CliContext): void {
  registerJobAction(program, context, {
    name: 'preempt',
    summary: 'checkpoint and stop running jobs by hand (admin); they re-queue without spending an attempt',
    act: async (client, id) => {
      await client.call('preemptJob', { params: { id } });
      return `job ${id}: preempting (checkpoint signal sent at the worker's next heartbeat)`;
    },
  });
}
