import type { Command } from 'commander';
import type { SweepRequest } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { submitCreatingProject } from '../ensureProject';
import { usageError } from '../exitCodes';
import { formatCommand } from '../../shared';
import { formatIdRanges } from '../format/idRanges';
import { syncedWorkDir } from '../hosts/syncWorkDir';
import { resolveLocalInputs } from '../artifacts/localInputs';
import { addJobFlags, collect, jobFieldsFromFlags, submittedFrom, type JobFlags } from '../jobFlags';
import { parseParams } from '../sweep/parseParam';
import { tokenizeTemplate } from '../sweep/tokenizeTemplate';

interface SweepFlags extends JobFlags, ConnectionFlags {
  param?: string[];
  zip?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function sweepRequest(template: string, flags: SweepFlags, context: Pick<CliContext, 'cwd' | 'env'>): SweepRequest {
  if (!flags.param?.length) throw usageError('sweep: give at least one --param NAME=VALUES');
  return {
    ...submittedFrom(flags, context),
    ...jobFieldsFromFlags(flags, context),
    template: tokenizeTemplate(template),
    params: parseParams(flags.param),
    mode: flags.zip ? 'zip' : 'grid',
    dry_run: Boolean(flags.dryRun),
  };
}

export function registerSweep(program: Command, context: CliContext): void {
  const command = program
    .command('sweep')
    .summary('queue a command template over parameter values')
    .description(
      'Queue one job per combination of parameter values. The template is split into arguments like a shell would\n' +
        '(quotes respected, nothing expanded) and each {name} is replaced inside its argument: a value never\n' +
        'becomes more than one argument and never reaches a shell.',
    )
    .argument('<template>', `command template, e.g. 'python train.py --lr {lr} --seed {seed}'`)
    .option('--param <name=values>', 'values: a list 1e-3,3e-4, a range 1..5, a stepped range 0..100..10 (repeatable)', collect((text: string) => text))
    .option('--zip', 'pair the i-th values of every parameter instead of taking every combination')
    .option('--dry-run', 'show the commands without queueing them')
    .option('--json', 'print the server response as JSON');
  addJobFlags(command);
  addConnectionFlags(command);
  command.addHelpText('after', `\nExample:\n  gantry sweep 'python train.py --lr {lr} --seed {seed}' --param lr=1e-3,3e-4 --param seed=1..5 --gpus 1`);
  command.action(async (template: string, flags: SweepFlags) => {
    const request = sweepRequest(template, flags, context);
    const { client, connection } = await connect(flags, context);
    if (request.inputs?.length && !request.dry_run) request.inputs = await resolveLocalInputs(request.inputs, context.cwd, client, connection, (line) => printLine(context.stderr, line));
    // A dry run only shows the commands: nothing is copied.
    const synced = request.dry_run ? null : await syncedWorkDir(client, flags, context);
    const body = synced ? { ...request, ...synced } : request;
    const result = await submitCreatingProject(client, flags.project, context, () => client.call('sweep', { body }));
    if (flags.json) return printJson(context, result);
    if (request.dry_run) {
      printLine(context.stdout, `${result.count} job${result.count === 1 ? '' : 's'} would be queued:`);
      for (const argv of result.preview) printLine(context.stdout, `  ${formatCommand(argv)}`);
      return;
    }
    // The sweep id is what `gantry metrics --sweep ID` and the console's Compare page take.
    const sweep = result.sweep_id === null || result.sweep_id === undefined ? '' : ` (sweep ${result.sweep_id})`;
    printLine(context.stdout, `queued ${result.count} job${result.count === 1 ? '' : 's'}: ${formatIdRanges(result.jobs.map((job) => job.id))}${sweep}`);
  });
}
