import type { MaintenanceTask } from '../../shared';
import { formatAge } from './time';
import { renderTable } from './table';

/** A finished task: its summary, then the health checks or the counts. */
export function formatMaintenanceTask(task: MaintenanceTask): string {
  if (task.state === 'failed') return `${task.kind} task ${task.id} failed: ${task.error ?? 'no reason given'}`;
  if (!task.result) return `${task.kind} task ${task.id} is running`;
  const lines = [task.result.summary];
  if (task.result.checks.length > 0) {
    lines.push(renderTable(task.result.checks, [
      { header: 'CHECK', value: (c) => c.name },
      { header: 'STATUS', value: (c) => c.status.toUpperCase() },
      { header: 'DETAIL', value: (c) => c.message, maxWidth: 80 },
    ]));
  } else {
    lines.push(renderTable(Object.entries(task.result.counts), [
      { header: 'WHAT', value: ([key]) => key },
      { header: 'COUNT', value: ([, n]) => String(n), align: 'right' },
    ]));
  }
  return lines.join('\n');
}

export function formatMaintenanceList(tasks: MaintenanceTask[], now: number): string {
  if (tasks.length === 0) return 'no maintenance has run yet';
  return renderTable(tasks, [
    { header: 'ID', value: (t) => String(t.id), align: 'right' },
    { header: 'KIND', value: (t) => t.kind },
    { header: 'STATE', value: (t) => t.state },
    { header: 'STARTED', value: (t) => `${formatAge(t.started_at, now)} ago` },
    { header: 'RESULT', value: (t) => t.result?.summary ?? t.error ?? '', maxWidth: 80 },
  ]);
}
