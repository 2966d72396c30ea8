import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printLine, type CliContext } from '../context';

export function registerClear(program: Command, context: CliContext): void {
  const command = program
    .command('clear')
    .summary("remove a project's waiting, queued and blocked jobs")
    .argument('<project>', 'project name');
  addConnectionFlags(command);
  command.action(async (project: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const { removed } = await client.call('clearProject', { params: { name: project } });
    printLine(context.stdout, `${project}: removed ${removed} pending job${removed === 1 ? '' : 's'}`);
  });
}
