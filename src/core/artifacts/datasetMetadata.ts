import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { list as listTar } from 'tar';
import yauzl from 'yauzl';
import { archiveKind, type DatasetFormat } from '../../shared';

export interface DatasetFacts {
  format: DatasetFormat;
  rows: number | null;
  columns: string[] | null;
  files: number | null;
}

/** The format a file name says; content is read only as that format. */
export function datasetFormat(fileName: string): DatasetFormat {
  const lower = fileName.toLowerCase();
  const archive = archiveKind(lower);
  if (archive) return archive;
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet')) return 'parquet';
  return 'other';
}

/** Rows after the header and the header's names, streamed through csv-parse (quoted newlines count once). */
async function csvFacts(path: string): Promise<Pick<DatasetFacts, 'rows' | 'columns'>> {
  let columns: string[] | null = null;
  let rows = 0;
  for await (const record of createReadStream(path).pipe(parseCsv({ relax_column_count: true, bom: true, skip_empty_lines: true }))) {
    if (columns === null) columns = record as string[];
    else rows++;
  }
  return { rows, columns: columns ?? [] };
}

/** Lines whose keys are read for the column list; later lines are only counted, so a huge file costs one pass without parsing. */
const JSONL_SAMPLE_LINES = 1000;

/** Non-empty lines, and the keys of the objects on the first 1,000 in the order first seen; a sampled line that is not JSON refuses the file. */
async function jsonlFacts(path: string): Promise<Pick<DatasetFacts, 'rows' | 'columns'>> {
  const columns = new Set<string>();
  let rows = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    rows++;
    if (rows > JSONL_SAMPLE_LINES) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${lineNumber} is not JSON`, { cause: error });
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const key of Object.keys(value)) columns.add(key);
  }
  return { rows, columns: [...columns] };
}

/** Parquet keeps its row count and schema in the footer: only that is read. */
async function parquetFacts(path: string): Promise<Pick<DatasetFacts, 'rows' | 'columns'>> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  return { rows: Number(metadata.num_rows), columns: parquetSchema(metadata).children.map((child) => child.element.name) };
}

/** Files (not directories) in a zip, from its central directory. */
function zipFileCount(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('could not open the zip'));
      let files = 0;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) files++;
        zip.readEntry();
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function tarFileCount(path: string): Promise<number> {
  let files = 0;
  await listTar({ file: path, onReadEntry: (entry) => void (entry.type === 'File' && files++) });
  return files;
}

/**
 * What Gantry records about a dataset file: its format from the name, then rows and columns of
 * CSV, JSONL and Parquet, or the file count of an archive, read streaming (a file of any size
 * is never held in memory). A file that does not parse as its format is refused, naming it.
 */
export async function readDatasetFacts(path: string, fileName: string): Promise<DatasetFacts> {
  const format = datasetFormat(fileName);
  const none = { rows: null, columns: null, files: null };
  try {
    if (format === 'csv') return { format, ...none, ...(await csvFacts(path)) };
    if (format === 'jsonl') return { format, ...none, ...(await jsonlFacts(path)) };
    if (format === 'parquet') return { format, ...none, ...(await parquetFacts(path)) };
    if (format === 'zip') return { format, ...none, files: await zipFileCount(path) };
    if (format === 'tar') return { format, ...none, files: await tarFileCount(path) };
  } catch (error) {
    throw new Error(`${fileName} does not read as ${format}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { format, ...none };
}
