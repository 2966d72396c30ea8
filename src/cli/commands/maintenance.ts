import type { Command } from 'commander';
import type { GantryClient, MaintenanceRequest, MaintenanceTask } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { CliError, EXIT, usageError } from '../exitCodes';
import { formatMaintenanceList, formatMaintenanceTask } from '../format/maintenance';
import { collect, integerArg } from '../jobFlags';

interface TaskFlags extends ConnectionFlags {
  json?: boolean;
  dryRun?: boolean;
  olderThan?: number;
  threshold?: Array<[string, number]>;
}

const POLL_MS = 200;

/** Polls the task until it leaves `running`; the server does the work, so there is no deadline but the user's Ctrl-C. */
async function waitForTask(client: GantryClient, task: MaintenanceTask): Promise<MaintenanceTask> {
  let current = task;
  while (current.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await client.call('getMaintenance', { params: { id: current.id } });
  }
  return current;
}

function thresholdArg(text: string): [string, number] {
  const match = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) throw usageError(`--threshold ${text}: name=number, e.g. disk_free_warn_mb=20000`);
  return [match[1], Number(match[2])];
}

export function registerMaintenance(program: Command, context: CliContext): void {
  const maintenance = program.command('maintenance').summary('prune old jobs, remove orphan files, check health, count what the data dir holds');

  const run = async (request: MaintenanceRequest, flags: TaskFlags): Promise<void> => {
    const { client } = await connect(flags, context);
    const task = await waitForTask(client, await client.call('startMaintenance', { body: request }));
    if (flags.json) printJson(context, task);
    else printLine(context.stdout, formatMaintenanceTask(task));
    if (task.state === 'failed') throw new CliError(EXIT.apiRefused, '');
    if (task.result?.checks.some((c) => c.status === 'fail')) throw new CliError(EXIT.jobFailed, '');
  };
  const define = (name: string, summary: string) => {
    const command = maintenance.command(name).summary(summary).option('--json', 'print the finished task as JSON');
    addConnectionFlags(command);
    return command;
  };

  define('prune', 'remove finished jobs older than N days, with their attempts, metrics and logs')
    .requiredOption('--older-than <days>', 'days since the job finished', integerArg(1, 36_500))
    .option('--dry-run', 'count what would go; remove nothing')
    .action((flags: TaskFlags) => run({ kind: 'prune', older_than_days: flags.olderThan as number, dry_run: flags.dryRun === true }, flags));
  define('orphans', 'remove log files in the data dir that no job or attempt owns')
    .option('--dry-run', 'count what would go; remove nothing')
    .action((flags: TaskFlags) => run({ kind: 'orphans', dry_run: flags.dryRun === true }, flags));
  define('health', 'check database integrity, disk free, WAL size, workers, event-loop lag (exit 1 if any check fails)')
    .option('--threshold <name=value>', 'override a limit, e.g. disk_free_warn_mb=20000 (repeatable)', collect(thresholdArg))
    .action((flags: TaskFlags) => run({ kind: 'health', thresholds: Object.fromEntries(flags.threshold ?? []) }, flags));
  define('stats', 'rows per table and bytes of the database, WAL and logs').action((flags: TaskFlags) => run({ kind: 'stats' }, flags));

  const ls = maintenance.command('ls').summary('maintenance tasks, newest first').option('--json', 'print the tasks as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: TaskFlags) => {
    const { client } = await connect(flags, context);
    const tasks = await client.call('listMaintenance');
    if (flags.json) printJson(context, tasks);
    else printLine(context.stdout, formatMaintenanceList(tasks, context.now()));
  });
}
