import type { Command } from 'commander';
import { PENDING_STATES, type GantryClient } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatJobDetail, type JobDetail } from '../format/jobs';
import { integerArg } from '../jobFlags';

export async function fetchJobDetail(client: GantryClient, id: number): Promise<JobDetail> {
  const job = await client.call('getJob', { params: { id } });
  const [attempts, dependencies, dependents, explanation] = await Promise.all([
    client.call('listAttempts', { params: { id } }),
    Promise.all(job.depends_on.map((dep) => client.call('getJob', { params: { id: dep } }))),
    client.call('jobDependents', { params: { id } }),
    PENDING_STATES.includes(job.state) ? client.call('explainJob', { params: { id } }) : Promise.resolve(null),
  ]);
  return { job, attempts, dependencies, dependents, explanation };
}

export function registerShow(program: Command, context: CliContext): void {
  const command = program
    .command('show')
    .summary('one job: fields, attempts, dependencies, and why it is not running')
    .argument('<id>', 'job id', integerArg(1))
    .option('--json', 'print {job, attempts, dependencies, dependents, explanation} as JSON');
  addConnectionFlags(command);
  command.action(async (id: number, flags: ConnectionFlags & { json?: boolean }) => {
    const { client } = await connect(flags, context);
    const detail = await fetchJobDetail(client, id);
    if (flags.json) return printJson(context, detail);
    const workerIds = new Set([detail.job.worker_id, ...detail.attempts.map((a) => a.worker_id)].filter((id) => id !== null));
    const workers = workerIds.size > 0 ? await client.call('listWorkers') : [];
    printLine(context.stdout, formatJobDetail(detail, context.now(), new Map(workers.map((w) => [w.id, w.name]))));
  });
}
