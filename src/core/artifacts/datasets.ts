import { NotFoundError, type Dataset } from '../../shared';
import type { CoreContext } from '../context';
import { blobPath, removeUnreferencedBlobs } from './blobStore';
import type { DatasetFacts } from './datasetMetadata';

interface DatasetRow {
  name: string;
  file_name: string;
  sha256: string;
  size: number;
  format: Dataset['format'];
  rows: number | null;
  columns: string | null;
  files: number | null;
  description: string;
  created_at: number;
}

function toDataset(row: DatasetRow): Dataset {
  const { name, file_name, sha256, size, format, rows, files, description, created_at } = row;
  return { name, file_name, sha256, size, format, rows, columns: row.columns === null ? null : (JSON.parse(row.columns) as string[]), files, description, created_at };
}

export function findDataset(ctx: CoreContext, name: string): Dataset | null {
  const row = ctx.sql('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
  return row ? toDataset(row) : null;
}

export function getDataset(ctx: CoreContext, name: string): Dataset {
  const dataset = findDataset(ctx, name);
  if (!dataset) throw new NotFoundError(`there is no dataset named ${name}`, 'name');
  return dataset;
}

export function listDatasets(ctx: CoreContext): Dataset[] {
  return (ctx.sql('SELECT * FROM datasets ORDER BY name').all() as DatasetRow[]).map(toDataset);
}

export function locateDataset(ctx: CoreContext, name: string): Dataset & { path: string } {
  const dataset = getDataset(ctx, name);
  return { ...dataset, path: blobPath(ctx.dataDir, dataset.sha256) };
}

export interface DatasetRecord {
  name: string;
  fileName: string;
  sha256: string;
  size: number;
  description: string;
  facts: DatasetFacts;
}

/** Records a dataset whose bytes are stored already. Call inside a transaction. */
export function recordDataset(ctx: CoreContext, record: DatasetRecord): Dataset {
  const { facts } = record;
  ctx
    .sql('INSERT INTO datasets (name, file_name, sha256, size, format, rows, columns, files, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(record.name, record.fileName, record.sha256, record.size, facts.format, facts.rows, facts.columns === null ? null : JSON.stringify(facts.columns), facts.files, record.description, ctx.now());
  return getDataset(ctx, record.name);
}

/** Deletes the dataset; its file goes once nothing refers to it (a queued job's pinned input keeps it). */
export function deleteDataset(ctx: CoreContext, name: string): void {
  ctx.tx(() => {
    getDataset(ctx, name);
    ctx.sql('DELETE FROM datasets WHERE name = ?').run(name);
  });
  removeUnreferencedBlobs(ctx);
}
