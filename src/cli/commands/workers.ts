import type { Command } from 'commander';
import type { GantryClient, Worker } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatWorkerTable } from '../format/workers';
import { resolveWorker } from '../workers/resolveWorker';

type JsonFlags = ConnectionFlags & { json?: boolean };

const WORKER_ARG = ['<worker>', 'worker name or id (see `gantry workers`)'] as const;

async function findWorker(client: GantryClient, ref: string): Promise<Worker> {
  return resolveWorker(await client.call('listWorkers'), ref);
}

/** A subcommand acting on one worker named by id or name. */
function workerAction(
  workers: Command,
  context: CliContext,
  name: string,
  summary: string,
  act: (client: GantryClient, worker: Worker) => Promise<string>,
): void {
  const command = workers.command(name).summary(summary).argument(...WORKER_ARG);
  addConnectionFlags(command);
  command.action(async (ref: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    printLine(context.stdout, await act(client, await findWorker(client, ref)));
  });
}

export function registerWorkers(program: Command, context: CliContext): void {
  const workers = program.command('workers').summary('list workers; drain, resume, stop or start one');

  const ls = workers.command('ls', { isDefault: true }).summary('list workers (the default)').option('--json', 'print the workers as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listWorkers');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatWorkerTable(list, context.now()));
  });

  const setState = (state: 'online' | 'draining') => async (client: GantryClient, worker: Worker) => {
    const updated = await client.call('setWorkerState', { params: { id: worker.id }, body: { state } });
    return `worker ${updated.name} (${updated.id}): ${updated.state}`;
  };
  workerAction(workers, context, 'drain', 'stop giving the worker new jobs; running ones finish', setState('draining'));
  workerAction(workers, context, 'resume', 'give a drained worker jobs again', setState('online'));
  workerAction(workers, context, 'stop', "ask the worker's agent to exit; its running jobs go back to the queue", async (client, worker) => {
    const stopped = await client.call('stopWorker', { params: { id: worker.id } });
    return `worker ${stopped.name} (${stopped.id}): stopping at its next heartbeat`;
  });
  workerAction(workers, context, 'start', "start the coordinator's own local worker again after a stop", async (client, worker) => {
    const started = await client.call('startWorker', { params: { id: worker.id } });
    return `worker ${started.name} (${started.id}): ${started.state}`;
  });
}
