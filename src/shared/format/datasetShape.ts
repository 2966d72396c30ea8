import type { Dataset } from '../schemas/artifacts';

/** What Gantry read from a dataset's file, as the CLI and the console show it: rows × columns for tables, a file count for archives. */
export function datasetShape(dataset: Pick<Dataset, 'rows' | 'columns' | 'files'>): string {
  if (dataset.files !== null) return `${dataset.files} file${dataset.files === 1 ? '' : 's'}`;
  if (dataset.rows !== null) return `${dataset.rows} rows × ${dataset.columns?.length ?? 0} columns`;
  return '-';
}
