import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFormat, readDatasetFacts } from '../../../../src/core/artifacts/datasetMetadata';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/datasets/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const scratch = mkdtempSync(join(tmpdir(), 'gantry-dataset-facts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('readDatasetFacts', () => {
  it('counts CSV rows after the header, a quoted newline inside one row', async () => {
    expect(await readDatasetFacts(fixture('tiny.csv'), 'tiny.csv')).toEqual({ format: 'csv', rows: 3, columns: ['id', 'text', 'label'], files: null });
  });

  it('counts JSONL objects, skipping blank lines, with the keys in the order first seen', async () => {
    expect(await readDatasetFacts(fixture('tiny.jsonl'), 'tiny.jsonl')).toEqual({ format: 'jsonl', rows: 3, columns: ['id', 'text', 'label'], files: null });
  });

  it('reads the row count and columns of a Parquet file from its footer', async () => {
    expect(await readDatasetFacts(fixture('tiny.parquet'), 'tiny.parquet')).toEqual({ format: 'parquet', rows: 5, columns: ['id', 'text', 'label'], files: null });
  });

  it('counts the files of a zip and of a gzipped tar, not their folders', async () => {
    expect(await readDatasetFacts(fixture('tiny.zip'), 'tiny.zip')).toEqual({ format: 'zip', rows: null, columns: null, files: 3 });
    expect(await readDatasetFacts(fixture('tiny.tar.gz'), 'tiny.tar.gz')).toEqual({ format: 'tar', rows: null, columns: null, files: 2 });
  });

  it('records only format and size for a file of another kind', async () => {
    expect(await readDatasetFacts(fixture('README.md'), 'README.md')).toEqual({ format: 'other', rows: null, columns: null, files: null });
  });

  it('refuses a file that does not read as the format its name says, naming the file and the line', async () => {
    await expect(readDatasetFacts(fixture('broken.jsonl'), 'broken.jsonl')).rejects.toThrow('broken.jsonl does not read as jsonl: line 2 is not JSON');
    const fake = join(scratch, 'fake.parquet');
    writeFileSync(fake, 'id,text\n1,a\n');
    await expect(readDatasetFacts(fake, 'fake.parquet')).rejects.toThrow(/fake\.parquet does not read as parquet/);
  });

  it('takes the format from the name, case aside', () => {
    expect(['a.CSV', 'a.ndjson', 'a.Parquet', 'a.tgz', 'a.tar', 'a.tar.xz', 'a.bin'].map(datasetFormat)).toEqual(['csv', 'jsonl', 'parquet', 'tar', 'tar', 'other', 'other']);
  });
});
