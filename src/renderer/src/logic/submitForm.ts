import type { CheckpointSignal, JobSubmitInput, SweepRequest } from '../../../shared';
import { countSweep, expandSweep, type SweepMode } from '../../../shared';
import { paramsFromRows, type ParamRow } from './params';
import { splitArgs } from './format';

/** Everything the Submit page's form holds, as typed (strings), so half-typed values survive. */
export interface SubmitForm {
  mode: 'single' | 'sweep';
  command: string;
  shell: boolean;
  params: ParamRow[];
  sweepMode: SweepMode;
  name: string;
  project: string;
  cwd: string;
  env: string;
  cpus: string;
  gpus: string;
  /** MB, as the CLI's --mem and the API's memory_mb. */
  memoryMb: string;
  /** MB per GPU, as the CLI's --gpu-mem and the API's gpu_memory_mb. */
  gpuMemoryMb: string;
  gpuModels: string;
  tags: string;
  priority: string;
  dependsOn: string;
  maxAttempts: string;
  timeoutS: string;
  /** 'project': leave it to the project's default (the field is not sent). */
  preemptible: 'project' | 'yes' | 'no';
  /** '' : the project's default (else SIGUSR1). */
  checkpointSignal: '' | CheckpointSignal;
  graceS: string;
  minRuntimeS: string;
  /** An SSH host of `gantry hosts`: the jobs go to its workers (the tag `host:NAME`, as `--host`). */
  host: string;
  /** A directory on the coordinator's machine copied to the host first; the jobs run in the copy (`--sync`). */
  syncDir: string;
  /** Inputs by reference, one per line or comma: `dataset:NAME`, `model:NAME[@V]`, `JOB:PATH` (`--input`). Attached files join them at submit. */
  inputs: string;
  /** Leave staged inputs in the job's directory after the attempt (`--keep-inputs`). */
  keepInputs: boolean;
}

export const EMPTY_FORM: SubmitForm = {
  mode: 'single',
  command: '',
  shell: false,
  params: [{ name: '', values: '' }],
  sweepMode: 'grid',
  name: '',
  project: 'default',
  cwd: '',
  env: '',
  cpus: '1',
  gpus: '0',
  memoryMb: '',
  gpuMemoryMb: '',
  gpuModels: '',
  tags: '',
  priority: '0',
  dependsOn: '',
  maxAttempts: '1',
  timeoutS: '',
  preemptible: 'project',
  checkpointSignal: '',
  graceS: '',
  minRuntimeS: '',
  host: '',
  syncDir: '',
  inputs: '',
  keepInputs: false,
};

/** A form problem found before asking the API; `field` uses the API's field names so both highlight the same input. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export type Submission = { kind: 'single'; body: JobSubmitInput } | { kind: 'sweep'; body: SweepRequest };

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function number(text: string, field: string, fallback: number | null): number | null {
  if (text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new FormError(`${field} must be a number`, field);
  return value;
}

function env(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new FormError(`environment line "${line}" is not NAME=value`, 'env');
    entries[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return entries;
}

/** The preemption fields the form sets; empty ones are left out so the project's defaults apply. */
function preemption(form: SubmitForm): Pick<JobSubmitInput, 'preemptible' | 'checkpoint_signal' | 'grace_s' | 'min_runtime_s'> {
  const fields: Pick<JobSubmitInput, 'preemptible' | 'checkpoint_signal' | 'grace_s' | 'min_runtime_s'> = {};
  if (form.preemptible !== 'project') fields.preemptible = form.preemptible === 'yes';
  if (form.checkpointSignal !== '') fields.checkpoint_signal = form.checkpointSignal;
  const grace = number(form.graceS, 'grace_s', null);
  if (grace !== null) fields.grace_s = grace;
  const minRuntime = number(form.minRuntimeS, 'min_runtime_s', null);
  if (minRuntime !== null) fields.min_runtime_s = minRuntime;
  return fields;
}

function argv(form: SubmitForm): string[] {
  try {
    return splitArgs(form.command);
  } catch (error) {
    throw new FormError((error as Error).message, form.mode === 'sweep' ? 'template' : 'command');
  }
}

/**
 * What `--sync` copies and where, or null; checked as the CLI checks it, naming the field to fix.
 * No host: the directory is packed for whichever worker runs the jobs.
 */
export function syncTarget(form: SubmitForm): { host: string | null; dir: string } | null {
  const dir = form.syncDir.trim();
  if (!dir) return null;
  if (form.cwd.trim()) throw new FormError('a synced job runs in its copy of the directory: leave the working directory empty', 'cwd');
  return { host: form.host.trim() || null, dir };
}

/** `inputs` and `keep_inputs` as typed; left out when empty, so the body stays what it was without them. */
function inputFields(form: SubmitForm): Pick<JobSubmitInput, 'inputs' | 'keep_inputs'> {
  const inputs = form.inputs
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { ...(inputs.length ? { inputs } : {}), ...(form.keepInputs ? { keep_inputs: true } : {}) };
}

/** The request body the form describes; throws FormError naming the field to fix. */
export function buildSubmission(form: SubmitForm): Submission {
  syncTarget(form);
  const host = form.host.trim();
  const gpuMemoryMb = number(form.gpuMemoryMb, 'requirements.gpu_memory_mb', null);
  const memoryMb = number(form.memoryMb, 'requirements.memory_mb', 0) ?? 0;
  const common = {
    project: form.project.trim() || 'default',
    name: form.name.trim() || undefined,
    cwd: form.cwd.trim() || null,
    env: env(form.env),
    priority: number(form.priority, 'priority', 0) ?? 0,
    requirements: {
      cpus: number(form.cpus, 'requirements.cpus', 1) ?? 1,
      gpus: number(form.gpus, 'requirements.gpus', 0) ?? 0,
      memory_mb: memoryMb,
      gpu_memory_mb: gpuMemoryMb,
      gpu_models: list(form.gpuModels),
      tags: [...list(form.tags), ...(host ? [`host:${host}`] : [])],
    },
    depends_on: list(form.dependsOn).map((id) => {
      const n = Number(id.replace(/^#/, ''));
      if (!Number.isInteger(n) || n <= 0) throw new FormError(`dependency "${id}" is not a job id`, 'depends_on');
      return n;
    }),
    max_attempts: number(form.maxAttempts, 'max_attempts', 1) ?? 1,
    timeout_s: number(form.timeoutS, 'timeout_s', null),
    ...preemption(form),
    ...inputFields(form),
  };
  if (form.mode === 'single') {
    if (!form.command.trim()) throw new FormError('enter a command', 'command');
    return { kind: 'single', body: { ...common, command: form.shell ? { shell: form.command } : argv(form) } };
  }
  const template = argv(form);
  if (!template.length) throw new FormError('enter a command template', 'template');
  let params;
  try {
    params = paramsFromRows(form.params);
  } catch (error) {
    throw new FormError((error as Error).message, 'params');
  }
  return { kind: 'sweep', body: { ...common, template, params, mode: form.sweepMode } };
}

export interface SweepPreview {
  count: number;
  commands: string[][];
}

/** How many jobs the form creates and the first few commands, computed here with the server's own expansion. */
export function previewSubmission(submission: Submission, shown = 5): SweepPreview {
  if (submission.kind === 'single') {
    const command = submission.body.command;
    return { count: 1, commands: [Array.isArray(command) ? command : ['sh', '-c', command.shell]] };
  }
  const { template, params, mode } = submission.body;
  const sweepMode = mode ?? 'grid';
  return { count: countSweep(params, sweepMode), commands: expandSweep(template, params, sweepMode, shown).map((p) => p.argv) };
}
