import type { HookRun, Suite, SuiteHook } from '../../shared';
import { renderTable } from './table';
import { escapeControl } from './terminalText';
import { formatAge, formatInstant } from './time';

const progress = (suite: Suite): string => {
  const c = suite.counts;
  return `${c.succeeded + c.failed + c.cancelled + c.blocked}/${c.total}`;
};

export function formatSuiteTable(suites: readonly Suite[], now: number): string {
  if (suites.length === 0) return 'no suites';
  return renderTable(suites, [
    { header: 'ID', value: (s) => String(s.id), align: 'right' },
    { header: 'NAME', value: (s) => s.name, maxWidth: 32 },
    { header: 'STATE', value: (s) => s.state },
    { header: 'DONE', value: progress, align: 'right' },
    { header: 'QUEUED', value: (s) => String(s.counts.queued), align: 'right' },
    { header: 'RUNNING', value: (s) => String(s.counts.running), align: 'right' },
    { header: 'OK', value: (s) => String(s.counts.succeeded), align: 'right' },
    { header: 'FAILED', value: (s) => String(s.counts.failed), align: 'right' },
    { header: 'WORKERS', value: (s) => String(s.workers.filter((w) => w.state === 'set_up').length), align: 'right' },
    { header: 'AGE', value: (s) => formatAge(s.created_at, now), align: 'right' },
  ]);
}

const hookText = (hook: SuiteHook | null): string => {
  if (!hook) return '-';
  const command = Array.isArray(hook.command) ? hook.command.join(' ') : hook.command.shell;
  return `${command}  (timeout ${hook.timeout_s} s)`;
};

export function formatSuite(suite: Suite, runs: readonly HookRun[], now: number): string {
  const c = suite.counts;
  const lines = [
    `suite ${suite.id}  ${suite.name}  (${suite.state}${suite.closed_by ? `, by ${suite.closed_by}` : ''})`,
    `project     ${suite.project}`,
    `tags        ${suite.tags.join(' ') || '-'}`,
    `labels      ${escapeControl(Object.entries(suite.labels).map(([key, value]) => `${key}=${value}`).join(' ')) || '-'}`,
    `priority    ${suite.priority}`,
    `inputs      ${escapeControl((suite.inputs ?? []).map((input) => `${input.source} → ${input.archive ? 'extracted' : input.name}`).join(', ')) || '-'}`,
    `setup       ${hookText(suite.setup)}`,
    `cleanup     ${hookText(suite.cleanup)}`,
    `jobs        ${c.total} total · ${c.waiting} waiting · ${c.queued} queued · ${c.running} running · ${c.succeeded} succeeded · ${c.failed} failed · ${c.cancelled} cancelled · ${c.blocked} blocked`,
    `created     ${formatInstant(suite.created_at, now)}`,
    `active      ${formatInstant(suite.last_activity_at, now)}`,
  ];
  if (suite.closed_at !== null) lines.push(`closed      ${formatInstant(suite.closed_at, now)}`);
  if (suite.workers.length > 0) {
    lines.push('', renderTable(suite.workers, [
      { header: 'WORKER', value: (w) => w.worker_name, maxWidth: 32 },
      { header: 'STATE', value: (w) => (w.state === 'banned' ? 'not serving (setup failed 3 times)' : w.state.replace('_', ' ')) },
      { header: 'SETUPS', value: (w) => String(w.setups), align: 'right' },
      { header: 'FAILED', value: (w) => String(w.setup_failures), align: 'right' },
    ]));
  }
  if (runs.length > 0) {
    lines.push('', renderTable(runs, [
      { header: 'RUN', value: (r) => String(r.id), align: 'right' },
      { header: 'WORKER', value: (r) => r.worker_name, maxWidth: 32 },
      { header: 'HOOK', value: (r) => r.hook },
      { header: 'OUTCOME', value: (r) => r.outcome },
      { header: 'EXIT', value: (r) => (r.exit_code === null ? '-' : String(r.exit_code)), align: 'right' },
      { header: 'SECONDS', value: (r) => ((r.finished_at - r.started_at) / 1000).toFixed(1), align: 'right' },
      { header: 'ERROR', value: (r) => r.error ?? '', maxWidth: 60 },
    ]));
    lines.push('', `hook output: gantry suites show ${suite.id} --log RUN`);
  }
  return lines.join('\n');
}
