import type { Worker } from '../../shared';
import { renderTable } from './table';
import { formatAge } from './time';

function gpuSummary(worker: Worker): string {
  if (worker.gpus.length === 0) return '-';
  const models = new Map<string, number>();
  for (const gpu of worker.gpus) models.set(gpu.model, (models.get(gpu.model) ?? 0) + 1);
  return [...models].map(([model, count]) => `${count}× ${model}`).join(', ');
}

export function formatWorkerTable(workers: readonly Worker[], nowMs: number): string {
  if (workers.length === 0) return 'no workers';
  return renderTable(workers, [
    { header: 'ID', value: (w) => w.id, maxWidth: 36 },
    { header: 'NAME', value: (w) => w.name, maxWidth: 24 },
    { header: 'STATE', value: (w) => w.state },
    { header: 'RUNNING', value: (w) => String(w.running), align: 'right' },
    { header: 'CPUS', value: (w) => String(w.cpus), align: 'right' },
    { header: 'MEM', value: (w) => `${Math.round(w.memory_mb / 1024)}G`, align: 'right' },
    { header: 'GPUS', value: gpuSummary, maxWidth: 40 },
    { header: 'SEEN', value: (w) => `${formatAge(w.last_seen_at, nowMs)} ago`, align: 'right' },
    // Only when Slurm pilots are among them: their array task and squeue state beside each.
    ...(workers.some((w) => w.slurm) ? [{ header: 'SLURM', value: (w: Worker) => (w.slurm ? `${w.slurm.job_id} ${w.slurm.state}` : '-') }] : []),
  ]);
}
