import { describeAttempts, describePreemption, describeRetries, formatCommand, formatDuration, shortAttempts, type Attempt, type Explanation, type Job, type Requirements } from '../../shared';
import { formatExplanation } from './explanation';
import { renderTable } from './table';
import { escapeControl } from './terminalText';
import { formatAge, formatInstant } from './time';

/** `ls`: id, state, tries (counted/budget, lost apart), priority, name, worker, age. `workerNames` maps worker ids to names where known. */
export function formatJobTable(jobs: readonly Job[], nowMs: number, workerNames: ReadonlyMap<string, string> = new Map()): string {
  if (jobs.length === 0) return 'no jobs';
  return renderTable(jobs, [
    { header: 'ID', value: (job) => String(job.id), align: 'right' },
    { header: 'STATE', value: (job) => job.state },
    { header: 'TRIES', value: shortAttempts },
    { header: 'PRIO', value: (job) => String(job.priority), align: 'right' },
    { header: 'NAME', value: (job) => job.name, maxWidth: 48 },
    { header: 'WORKER', value: (job) => (job.worker_id ? (workerNames.get(job.worker_id) ?? job.worker_id) : '-'), maxWidth: 24 },
    { header: 'AGE', value: (job) => formatAge(job.created_at, nowMs), align: 'right' },
  ]);
}

export function formatRequirements(requirements: Requirements): string {
  const parts = [`${requirements.cpus} cpu`, `${requirements.gpus} gpu`];
  if (requirements.gpu_memory_mb !== null) parts.push(`${requirements.gpu_memory_mb} MB per gpu`);
  if (requirements.memory_mb > 0) parts.push(`${requirements.memory_mb} MB memory`);
  if (requirements.gpu_models.length > 0) parts.push(`models ${requirements.gpu_models.join('|')}`);
  if (requirements.tags.length > 0) parts.push(`tags ${requirements.tags.join(', ')}`);
  return parts.join(', ');
}

export function formatAttemptTable(attempts: readonly Attempt[], nowMs: number, workerNames: ReadonlyMap<string, string> = new Map()): string {
  if (attempts.length === 0) return 'no attempts yet';
  return renderTable(attempts, [
    { header: '#', value: (a) => String(a.attempt), align: 'right' },
    { header: 'WORKER', value: (a) => workerNames.get(a.worker_id) ?? a.worker_id, maxWidth: 24 },
    { header: 'OUTCOME', value: (a) => a.outcome ?? 'running' },
    { header: 'EXIT', value: (a) => (a.exit_code === null ? '-' : String(a.exit_code)), align: 'right' },
    { header: 'TOOK', value: (a) => formatDuration((a.finished_at ?? nowMs) - a.started_at), align: 'right' },
    { header: 'LOG', value: (a) => `${a.log_bytes} B`, align: 'right' },
    { header: 'ERROR', value: (a) => describePreemption(a)?.text ?? a.error ?? '', maxWidth: 60 },
  ]);
}

export interface JobDetail {
  job: Job;
  attempts: Attempt[];
  dependencies: Job[];
  dependents: Job[];
  explanation: Explanation | null;
}

const workerLabel = (id: string | null, names: ReadonlyMap<string, string>): string => {
  if (id === null) return '-';
  const name = names.get(id);
  return name ? `${name} (${id})` : id;
};

/** `show`: the job's fields, then its attempts, its dependency edges and, when pending, why. */
export function formatJobDetail(detail: JobDetail, nowMs: number, workerNames: ReadonlyMap<string, string> = new Map()): string {
  const { job } = detail;
  const refs = (jobs: Job[]): string => (jobs.length === 0 ? '-' : jobs.map((j) => `${j.id} (${j.state})`).join(', '));
  const fields: Array<[string, string]> = [
    ['state', job.state],
    ['attempts', describeAttempts(job)],
    ['retries', describeRetries(job)],
    ['project', job.project],
    ['command', formatCommand(job.command)],
    ['cwd', job.cwd ?? '-'],
    ['priority', String(job.priority)],
    ['requires', formatRequirements(job.requirements)],
    ['timeout', job.timeout_s === null ? '-' : `${job.timeout_s}s`],
    ['after', refs(detail.dependencies)],
    ['needed by', refs(detail.dependents)],
    ['worker', workerLabel(job.worker_id, workerNames)],
    ['created', formatInstant(job.created_at, nowMs)],
    ['started', formatInstant(job.started_at, nowMs)],
    ['finished', formatInstant(job.finished_at, nowMs)],
  ];
  if (Object.keys(job.params).length > 0) fields.push(['params', Object.entries(job.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')]);
  if (Object.keys(job.env).length > 0) fields.push(['env', Object.keys(job.env).join(' ')]);
  if (job.exit_code !== null) fields.push(['exit code', String(job.exit_code)]);
  if (job.error) fields.push(['error', job.error]);
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = [`job ${job.id}  ${escapeControl(job.name)}`, ...fields.map(([label, value]) => `  ${label.padEnd(width)}  ${escapeControl(value)}`)];
  lines.push('', 'attempts:', indent(formatAttemptTable(detail.attempts, nowMs, workerNames)));
  if (detail.explanation) lines.push('', 'why not running:', indent(formatExplanation(detail.explanation)));
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
