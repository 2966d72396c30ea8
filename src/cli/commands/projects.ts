import type { Command } from 'commander';
import type { ProjectPreemption, ProjectUpdateInput } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatProject, formatProjectTable } from '../format/projects';
import { checkpointSignalArg, integerArg } from '../jobFlags';

interface ProjectFlags extends ConnectionFlags {
  json?: boolean;
  description?: string;
  preemptible?: boolean;
  checkpointSignal?: string;
  grace?: number;
  minRuntime?: number;
  resetPreemption?: boolean;
}

/** The preemption defaults the flags set; --reset-preemption first puts all four back to the built-in defaults. */
function preemptionChange(flags: ProjectFlags): Partial<ProjectPreemption> | undefined {
  const change: Partial<ProjectPreemption> = flags.resetPreemption ? { preemptible: null, checkpoint_signal: null, grace_s: null, min_runtime_s: null } : {};
  if (flags.preemptible !== undefined) change.preemptible = flags.preemptible;
  if (flags.checkpointSignal !== undefined) change.checkpoint_signal = flags.checkpointSignal as ProjectPreemption['checkpoint_signal'];
  if (flags.grace !== undefined) change.grace_s = flags.grace;
  if (flags.minRuntime !== undefined) change.min_runtime_s = flags.minRuntime;
  return Object.keys(change).length > 0 ? change : undefined;
}

export function registerProjects(program: Command, context: CliContext): void {
  const projects = program.command('projects').summary("projects: their jobs' preemption defaults and preemption counts");

  const ls = projects.command('ls', { isDefault: true }).summary('list projects (the default)').option('--json', 'print the projects as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: ProjectFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listProjects');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatProjectTable(list));
  });

  const set = projects
    .command('set')
    .summary("change a project's description or the preemption defaults its jobs get when they do not say")
    .argument('<name>', 'project name')
    .option('--description <text>', 'what the project is for')
    .option('--preemptible', "the project's jobs may be preempted unless a job says --no-preemptible")
    .option('--no-preemptible', "the project's jobs are not preemptible unless a job says --preemptible")
    .option('--checkpoint-signal <sig>', 'default checkpoint signal', checkpointSignalArg)
    .option('--grace <s>', 'default seconds between the checkpoint signal and SIGTERM', integerArg(0))
    .option('--min-runtime <s>', 'default seconds a run lasts before it may be preempted', integerArg(0))
    .option('--reset-preemption', 'back to the built-in defaults (not preemptible, SIGUSR1, 120 s grace, 600 s minimum runtime), then apply the flags given')
    .option('--json', 'print the project as JSON');
  addConnectionFlags(set);
  set.action(async (name: string, flags: ProjectFlags) => {
    const body: ProjectUpdateInput = {};
    if (flags.description !== undefined) body.description = flags.description;
    const preemption = preemptionChange(flags);
    if (preemption) body.preemption = preemption;
    if (Object.keys(body).length === 0) throw usageError('nothing to change: give --description, --preemptible, --checkpoint-signal, --grace, --min-runtime or --reset-preemption');
    const { client } = await connect(flags, context);
    const project = await client.call('updateProject', { params: { name }, body });
    if (flags.json) printJson(context, project);
    else printLine(context.stdout, formatProject(project));
  });
}
