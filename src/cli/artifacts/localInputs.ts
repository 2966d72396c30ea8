import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { sha256OfFile } from '../../agent';
import { ApiError, GantryClient, type Dataset } from '../../shared';
import type { Connection } from '../connection';
import { uploadDataset } from './uploadDataset';

const REFERENCE = /^(\d+:.+|model:.+|dataset:.+|sha256:[0-9a-f]{64}(:.+)?)$/;

/** A name a dataset may have, made from a file's name: other characters become `-`. */
export function datasetNameFor(fileName: string): string {
  const name = fileName.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'upload' : name.slice(0, 200);
}

async function existingDataset(client: GantryClient, name: string): Promise<Dataset | null> {
  try {
    return await client.call('getDataset', { params: { name } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * `--input` takes references (`JOB:PATH`, `model:NAME[@V]`, `dataset:NAME`) or a local file: the
 * file is uploaded as a dataset named after it (the one already there when its content is the
 * same, else a name with its hash) and the job takes `dataset:NAME`.
 */
export async function resolveLocalInputs(inputs: readonly string[], cwd: string, client: GantryClient, connection: Connection, say: (line: string) => void): Promise<string[]> {
  const resolved: string[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (REFERENCE.test(input) && !existsSync(path)) {
      resolved.push(input);
      continue;
    }
    if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`--input ${input}: no such file here, and not JOB:PATH, model:NAME[@VERSION], dataset:NAME or sha256:HEX`);
    const sha256 = await sha256OfFile(path);
    const fileName = basename(path);
    let name = datasetNameFor(fileName);
    const taken = await existingDataset(client, name);
    if (taken && taken.sha256 !== sha256) name = datasetNameFor(`${basename(fileName, extname(fileName))}-${sha256.slice(0, 8)}${extname(fileName)}`);
    if (!taken || taken.sha256 !== sha256) {
      const dataset = (await existingDataset(client, name)) ?? (await uploadDataset({ baseUrl: connection.url, token: connection.token }, { path, name, fileName }));
      say(`uploaded ${input} as dataset ${dataset.name}`);
    }
    resolved.push(`dataset:${name}`);
  }
  return resolved;
}
