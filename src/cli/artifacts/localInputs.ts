import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sha256OfFile } from '../../agent';
import { ApiError, GantryClient, datasetNameFor, datasetNameWithHash, type Dataset } from '../../shared';
import type { Connection } from '../connection';
import { usageError } from '../exitCodes';
import { packDirectory } from './packDirectory';
import { uploadDataset } from './uploadDataset';

const REFERENCE = /^(\d+:.+|model:.+|dataset:.+|sha256:[0-9a-f]{64}(:.+)?)$/;

async function existingDataset(client: GantryClient, name: string): Promise<Dataset | null> {
  try {
    return await client.call('getDataset', { params: { name } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * Uploads a local file as a dataset named after it, or finds the dataset already holding the
 * same bytes under that name (or the name with its hash, when the plain name holds other bytes).
 */
async function datasetForFile(path: string, fileName: string, client: GantryClient, connection: Connection): Promise<{ name: string; uploaded: boolean }> {
  const sha256 = await sha256OfFile(path);
  const plain = datasetNameFor(fileName);
  const taken = await existingDataset(client, plain);
  if (taken?.sha256 === sha256) return { name: plain, uploaded: false };
  const name = taken ? datasetNameWithHash(fileName, sha256) : plain;
  if (await existingDataset(client, name)) return { name, uploaded: false };
  await uploadDataset({ baseUrl: connection.url, token: connection.token }, { path, name, fileName, sha256 });
  return { name, uploaded: true };
}

/**
 * `--input` takes references (`JOB:PATH`, `model:NAME[@V]`, `dataset:NAME`, `sha256:HEX[:FILE]`) or
 * a local path: a file is uploaded as a dataset named after it, a directory packed as NAME.tar.gz
 * first (the job finds NAME/ in its directory), and the job takes `dataset:NAME`.
 */
export async function resolveLocalInputs(inputs: readonly string[], cwd: string, client: GantryClient, connection: Connection, say: (line: string) => void): Promise<string[]> {
  const resolved: string[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (REFERENCE.test(input) && !existsSync(path)) {
      resolved.push(input);
      continue;
    }
    if (!existsSync(path)) throw usageError(`--input ${input}: no such file or directory here, and not JOB:PATH, model:NAME[@VERSION], dataset:NAME or sha256:HEX`);
    const packed = statSync(path).isDirectory() ? await packDirectory(path) : null;
    try {
      const { name, uploaded } = await datasetForFile(packed?.path ?? path, packed?.fileName ?? basename(path), client, connection);
      if (uploaded) say(`uploaded ${input} as dataset ${name}`);
      resolved.push(`dataset:${name}`);
    } finally {
      packed?.dispose();
    }
  }
  return resolved;
}
