import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatWorkerTable } from '../format/workers';

type JsonFlags = ConnectionFlags & { json?: boolean };

export function registerWorkers(program: Command, context: CliContext): void {
  const workers = program.command('workers').summary('list workers; drain, resume or stop one');

  const ls = workers.command('ls', { isDefault: true }).summary('list workers (the default)').option('--json', 'print the workers as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listWorkers');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatWorkerTable(list, context.now()));
  });

  const setState = (name: string, state: 'online' | 'draining', summary: string): void => {
    const command = workers.command(name).summary(summary).argument('<id>', 'worker id (see `gantry workers`)');
    addConnectionFlags(command);
    command.action(async (id: string, flags: ConnectionFlags) => {
      const { client } = await connect(flags, context);
      const worker = await client.call('setWorkerState', { params: { id }, body: { state } });
      printLine(context.stdout, `worker ${worker.id} (${worker.name}): ${worker.state}`);
    });
  };
  setState('drain', 'draining', 'stop giving the worker new jobs; running ones finish');
  setState('resume', 'online', 'give a drained worker jobs again');

  const stop = workers.command('stop').summary("ask the worker's agent to exit; its running jobs go back to the queue").argument('<id>', 'worker id (see `gantry workers`)');
  addConnectionFlags(stop);
  stop.action(async (id: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const worker = await client.call('stopWorker', { params: { id } });
    printLine(context.stdout, `worker ${worker.id} (${worker.name}): stopping at its next heartbeat`);
  });
}
