import { formatBytes, type Model } from '../../shared';
import { renderTable } from './table';

const entries = (record: Record<string, unknown>): string =>
  Object.entries(record)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');

export function formatModelTable(models: readonly Model[]): string {
  if (models.length === 0) return 'no models';
  return renderTable(models, [
    { header: 'NAME', value: (m) => m.name, maxWidth: 40 },
    { header: 'VERSION', value: (m) => String(m.version), align: 'right' },
    { header: 'SIZE', value: (m) => formatBytes(m.size), align: 'right' },
    { header: 'FROM', value: (m) => `#${m.job_id ?? '?'} ${m.artifact}`, maxWidth: 50 },
    { header: 'METRICS', value: (m) => entries(m.metrics), maxWidth: 60 },
  ]);
}

export function formatModel(model: Model): string {
  return [
    `${model.name} version ${model.version}`,
    `  file:     ${model.artifact} (${formatBytes(model.size)}, sha256 ${model.sha256})`,
    `  from job: #${model.job_id ?? '?'}`,
    `  params:   ${entries(model.params) || '-'}`,
    `  metrics:  ${entries(model.metrics) || '-'}`,
    `  metadata: ${entries(model.metadata) || '-'}`,
    `  created:  ${new Date(model.created_at).toISOString()}`,
  ].join('\n');
}
