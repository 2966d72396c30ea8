import { datasetShape, formatBytes, type Dataset } from '../../shared';
import { renderTable } from './table';

export function formatDatasetTable(datasets: readonly Dataset[]): string {
  if (datasets.length === 0) return 'no datasets';
  return renderTable(datasets, [
    { header: 'NAME', value: (d) => d.name, maxWidth: 40 },
    { header: 'FORMAT', value: (d) => d.format },
    { header: 'SIZE', value: (d) => formatBytes(d.size), align: 'right' },
    { header: 'SHAPE', value: datasetShape },
    { header: 'FILE', value: (d) => d.file_name, maxWidth: 40 },
  ]);
}

export function formatDataset(dataset: Dataset): string {
  return [
    dataset.name,
    `  file:        ${dataset.file_name} (${formatBytes(dataset.size)}, sha256 ${dataset.sha256})`,
    `  format:      ${dataset.format}, ${datasetShape(dataset)}`,
    `  columns:     ${dataset.columns?.join(', ') || '-'}`,
    `  description: ${dataset.description || '-'}`,
    `  created:     ${new Date(dataset.created_at).toISOString()}`,
    `  as input:    --input dataset:${dataset.name}`,
  ].join('\n');
}
