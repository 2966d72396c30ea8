import { formatBytes, type Dataset } from '../../shared';
import { renderTable } from './table';

/** What Gantry read from the file: rows × columns for tables, a file count for archives. */
export function datasetShape(dataset: Dataset): string {
  if (dataset.files !== null) return `${dataset.files} file${dataset.files === 1 ? '' : 's'}`;
  if (dataset.rows !== null) return `${dataset.rows} rows × ${dataset.columns?.length ?? 0} columns`;
  return '-';
}

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
