import { quoteArg, quoteArgv } from '../format/shellQuote';
import { commandArgv, paramEnv, plainEnv, type ExportTask, type JobModel } from './jobModel';

/** `export NAME=value` lines for the model's env; a secret is required from the caller's environment, never written. */
export function envExportLines(model: JobModel): string[] {
  const lines = plainEnv(model).map(([name, value]) => `export ${name}=${quoteArg(value)}`);
  for (const name of model.secretEnv) lines.push(`: "\${${name}:?${name} is secret: set it in the environment this runs from}"`, `export ${name}`);
  return lines;
}

function paramExports(task: ExportTask): string | null {
  const env = Object.entries({ ...task.env, ...paramEnv(task.params) });
  return env.length ? `export ${env.map(([name, value]) => `${name}=${quoteArg(value)}`).join(' ')}` : null;
}

/** The lines that run one task in place of the shell (`exec`), params exported first. */
export function taskLines(task: ExportTask): string[] {
  const exports = paramExports(task);
  return [...(exports ? [exports] : []), `exec ${quoteArgv(commandArgv(task.command))}`];
}

/**
 * A POSIX `case` on an index variable that runs the sweep point of that index: how an Indexed Job
 * ($JOB_COMPLETION_INDEX) or a Slurm array ($SLURM_ARRAY_TASK_ID) picks its point, so each
 * point's argv stays exactly what Gantry would run, quoted, with no per-index files to ship.
 */
export function sweepCaseLines(model: JobModel, indexVariable: string): string[] {
  const lines = [`case "\${${indexVariable}}" in`];
  model.tasks.forEach((task, index) => {
    const [first, ...rest] = taskLines(task);
    lines.push(`  ${index})`, `    ${first}`, ...rest.map((line) => `    ${line}`), '    ;;');
  });
  lines.push(`  *) echo "no sweep point for ${indexVariable}=\${${indexVariable}}" >&2; exit 2 ;;`, 'esac');
  return lines;
}

/** A comment line naming what the script is and where it came from. */
export function describeModel(model: JobModel): string[] {
  const ids = model.tasks.flatMap((task) => (task.jobId === null ? [] : [task.jobId]));
  return [`# gantry ${model.sweep ? `sweep of ${model.tasks.length}` : 'job'}: ${model.name.replace(/\s+/g, ' ')} (project ${model.project}${ids.length ? `, job ${ids.join(', ')}` : ''})`];
}

/**
 * A plain POSIX shell script that runs the job here. A sweep runs its points one after another
 * in subshells and exits 1 when any failed, so one failure does not hide the rest.
 */
export function formatShellScript(model: JobModel): string {
  const lines = ['#!/bin/sh', ...describeModel(model), 'set -u'];
  if (model.cwd) lines.push(`cd ${quoteArg(model.cwd)}`);
  lines.push(...envExportLines(model));
  if (!model.sweep) {
    lines.push(...taskLines(model.tasks[0]));
  } else {
    lines.push('status=0');
    for (const task of model.tasks) lines.push(`(${taskLines(task).join('; ')}) || status=1`);
    lines.push('exit "$status"');
  }
  return `${lines.join('\n')}\n`;
}
