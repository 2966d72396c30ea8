import { ValidationError } from '../errors';
import { quoteArg, quoteArgv } from '../format/shellQuote';
import { commandArgv, paramEnv, plainEnv, type ExportTask, type JobModel } from './jobModel';
import { kubernetesJobName } from './kubernetes';

export interface RunaiOptions {
  /** The container image the job runs in. */
  image: string;
  /** The Run:ai project (`-p`); default: the CLI's configured project. */
  project?: string;
  /** The workload name; default as for Kubernetes, with `-N` per sweep point. */
  name?: string;
}

function taskName(base: string, model: JobModel, index: number): string {
  return model.sweep ? `${base.slice(0, 52 - String(index).length - 1)}-${index}` : base;
}

/**
 * `runai submit` and its flags, in the order `runai submit --help` lists them, so lines read alike
 * from job to job; then `--command --` and the command. Secret env values are never among them.
 */
export function runaiSubmitArgv(model: JobModel, task: ExportTask, name: string, options: RunaiOptions): string[] {
  const req = model.requirements;
  const args: string[] = ['submit', name];
  if (options.project) args.push('-p', options.project);
  args.push('-i', options.image);
  if (req.gpus > 0) args.push('-g', String(req.gpus));
  if (req.cpus > 0) args.push('--cpu', String(req.cpus));
  if (req.memory_mb > 0) args.push('--memory', `${req.memory_mb}M`);
  for (const [key, value] of [...plainEnv(model), ...Object.entries(paramEnv(task.params))]) args.push('-e', `${key}=${value}`);
  if (model.cwd) args.push('--working-dir', model.cwd);
  if (model.maxAttempts > 1) args.push('--backoff-limit', String(model.maxAttempts - 1));
  return [...args, '--command', '--', ...commandArgv(task.command)];
}

function taskLine(model: JobModel, task: ExportTask, name: string, options: RunaiOptions): string {
  return quoteArgv(['runai', ...runaiSubmitArgv(model, task, name, options)]);
}

/**
 * `runai submit` command lines, one per task: the Run:ai CLI has no per-index arguments, so a
 * sweep is one workload per point. Secret env values are never written; a comment names them
 * for the user to provide through a Kubernetes Secret.
 */
export function formatRunaiSubmit(model: JobModel, options: RunaiOptions): string {
  if (!options.image.trim()) throw new ValidationError('image: give the container image the job runs in', 'image');
  const base = kubernetesJobName(model, { name: options.name });
  const lines: string[] = [];
  if (model.secretEnv.length) lines.push(`# secret env not written here, provide it from a Secret: ${model.secretEnv.map(quoteArg).join(' ')}`);
  model.tasks.forEach((task, index) => lines.push(taskLine(model, task, taskName(base, model, index), options)));
  return `${lines.join('\n')}\n`;
}
