import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  formatKubernetesJob,
  formatRunaiSubmit,
  formatSbatch,
  formatShellScript,
  modelFromJob,
  modelFromSubmit,
  modelFromSweep,
  type JobModel,
} from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { addJobFlags, collect, integerArg, type JobFlags } from '../jobFlags';
import { submitSpec } from './submit';
import { sweepRequest } from './sweep';

const FORMATS = ['k8s', 'runai', 'slurm', 'shell'] as const;
type ExportFormat = (typeof FORMATS)[number];

interface ExportFlags extends JobFlags, ConnectionFlags {
  format: ExportFormat;
  shell?: boolean;
  sweep?: string;
  param?: string[];
  zip?: boolean;
  image?: string;
  namespace?: string;
  parallelism?: number;
  secretName?: string;
  runaiProject?: string;
  partition?: string;
  account?: string;
  qos?: string;
  timeLimit?: number;
  output?: string;
  arrayParallelism?: number;
}

/** One whole number alone names a queued job; anything else is a command (no program is called `42`). */
function jobIdArgument(args: string[]): number | null {
  return args.length === 1 && /^\d+$/.test(args[0]) ? integerArg(1)(args[0]) : null;
}

async function exportModel(args: string[], flags: ExportFlags, context: CliContext): Promise<{ model: JobModel; url: string | null }> {
  if (flags.sweep !== undefined) {
    if (args.length) throw usageError('export --sweep: the template is the value of --sweep; give no command besides it');
    return { model: modelFromSweep(sweepRequest(flags.sweep, flags, context)), url: null };
  }
  if (args.length === 0) throw usageError('export: give a job id, a command after --, or --sweep TEMPLATE');
  const id = jobIdArgument(args);
  if (id === null) return { model: modelFromSubmit(submitSpec(args, flags, context)), url: null };
  const { client, connection } = await connect(flags, context);
  return { model: modelFromJob(await client.call('getJob', { params: { id } })), url: connection.url };
}

function needImage(flags: ExportFlags): string {
  if (!flags.image) throw usageError(`export --format ${flags.format}: give --image IMAGE, the container the job runs in`);
  return flags.image;
}

async function render(model: JobModel, url: string | null, flags: ExportFlags): Promise<string> {
  switch (flags.format) {
    case 'k8s': {
      const { stringify } = await import('yaml');
      return stringify(
        formatKubernetesJob(model, { image: needImage(flags), namespace: flags.namespace, parallelism: flags.parallelism, secretName: flags.secretName, gantryUrl: url ?? undefined }),
        { lineWidth: 0 },
      );
    }
    case 'runai':
      return formatRunaiSubmit(model, { image: needImage(flags), project: flags.runaiProject });
    case 'slurm':
      return formatSbatch(model, {
        partition: flags.partition,
        account: flags.account,
        qos: flags.qos,
        timeLimitS: flags.timeLimit,
        output: flags.output,
        arrayParallelism: flags.arrayParallelism,
      });
    case 'shell':
      return formatShellScript(model);
  }
}

function formatArg(text: string): ExportFormat {
  if (!(FORMATS as readonly string[]).includes(text)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`);
  return text as ExportFormat;
}

export function registerExport(program: Command, context: CliContext): void {
  const command = program
    .command('export')
    .summary('print a job as a Kubernetes Job, a runai submit line, an sbatch script or a shell script')
    .description(
      'Print what would run, for a queued job (gantry export --format k8s 42), a job described with the flags of\n' +
        '`gantry submit` (gantry export --format slurm --gpus 1 -- python train.py) or a sweep described like\n' +
        '`gantry sweep` (gantry export --format k8s --sweep \'python train.py --lr {lr}\' --param lr=1e-3,3e-4).\n' +
        'Secret env values are never written: scripts require them from the environment, Kubernetes reads them from a Secret.',
    )
    .argument('[job-or-command...]', 'a job id, or the program and its arguments')
    .addOption(new Option('--format <format>', `${FORMATS.join(' | ')}`).argParser(formatArg).makeOptionMandatory())
    .option('--shell', 'the command is one string run through `sh -c`')
    .option('--sweep <template>', `a command template, e.g. 'python train.py --lr {lr}' (with --param)`)
    .option('--param <name=values>', 'sweep values: a list 1e-3,3e-4, a range 1..5, a stepped range 0..100..10 (repeatable)', collect((text: string) => text))
    .option('--zip', 'pair the i-th values of every parameter instead of taking every combination')
    .option('--image <image>', 'k8s, runai: the container image the job runs in')
    .option('--namespace <ns>', 'k8s: the namespace of the Job')
    .option('--parallelism <n>', 'k8s: sweep pods running at once (default: all)', integerArg(1))
    .option('--secret-name <name>', 'k8s: the Secret holding the secret env values (default: <job name>-env)')
    .option('--runai-project <name>', 'runai: the Run:ai project (-p)')
    .option('--partition <name>', 'slurm: partition')
    .option('--account <name>', 'slurm: account')
    .option('--qos <name>', 'slurm: quality of service')
    .option('--time-limit <s>', 'slurm: wall-clock limit in seconds (default: the job timeout)', integerArg(1))
    .option('--output <pattern>', 'slurm: output file pattern (default: Slurm\'s)')
    .option('--array-parallelism <n>', 'slurm: sweep array tasks running at once', integerArg(1))
    .passThroughOptions();
  addJobFlags(command);
  addConnectionFlags(command);
  command.action(async (args: string[], flags: ExportFlags) => {
    const { model, url } = await exportModel(args, flags, context);
    const text = await render(model, url, flags);
    // A pipe gets the exact bytes (a script, a manifest); a terminal gets control characters shown escaped.
    if (context.stdout.isTTY) printLine(context.stdout, text.replace(/\n$/, ''));
    else context.stdout.write(text);
  });
}
