import type { Command } from 'commander';
import type { Command as JobCommand, JobSubmitInput } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { submitCreatingProject } from '../ensureProject';
import { usageError } from '../exitCodes';
import { syncedWorkDir } from '../hosts/syncWorkDir';
import { addJobFlags, jobFieldsFromFlags, submittedFrom, type JobFlags } from '../jobFlags';
import { resolveLocalInputs } from '../artifacts/localInputs';

interface SubmitFlags extends JobFlags, ConnectionFlags {
  shell?: boolean;
  json?: boolean;
}

/** argv goes over the wire as an array; --shell joins it into one string that the worker runs with `sh -c`. */
export function submitSpec(argv: string[], flags: SubmitFlags, context: Pick<CliContext, 'cwd' | 'env'>): JobSubmitInput {
  if (argv.length === 0) throw usageError('submit: no command; usage: gantry submit [flags] -- cmd args…');
  const command: JobCommand = flags.shell ? { shell: argv.join(' ') } : argv;
  return { ...submittedFrom(flags, context), ...jobFieldsFromFlags(flags, context), command };
}

export function registerSubmit(program: Command, context: CliContext): void {
  const command = program
    .command('submit')
    .summary('queue one command')
    .description('Queue one command. Put -- before the command so its flags are not read as gantry flags.')
    .argument('<command...>', 'the program and its arguments, passed as an argv array (no shell)')
    .option('--shell', 'run the command as one string through `sh -c` (pipes, redirects, $VARS)')
    .option('--json', 'print the created job as JSON instead of its id')
    // Everything after the program name belongs to the job, even when it looks like a flag.
    .passThroughOptions();
  addJobFlags(command);
  addConnectionFlags(command);
  command.action(async (argv: string[], flags: SubmitFlags) => {
    const spec = submitSpec(argv, flags, context);
    const { client, connection } = await connect(flags, context);
    if (spec.inputs?.length) spec.inputs = await resolveLocalInputs(spec.inputs, context.cwd, client, connection, (line) => printLine(context.stderr, line));
    const synced = await syncedWorkDir(client, flags, context);
    const body = synced ? { ...spec, ...synced } : spec;
    const job = await submitCreatingProject(client, flags.project, context, () => client.call('submitJob', { body }));
    if (flags.json) printJson(context, job);
    else printLine(context.stdout, String(job.id));
  });
}
