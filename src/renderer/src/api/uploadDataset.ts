import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { ApiError, datasetNameFor, datasetNameWithHash, type Dataset, type UploadState } from '../../../shared';
import { api } from './client';

/** Slices read and hashed at a time (and sent per request): a large file is never held in memory whole. */
const HASH_SLICE_BYTES = 8 * 1024 * 1024;
/** Sending a large file takes far longer than a plain call. */
const SEND_TIMEOUT_MS = 6 * 3600_000;

/**
 * The file's sha256, read in slices. A JS hash (noble) rather than crypto.subtle, which needs the
 * whole file in one buffer and exists only in secure contexts (a console opened over plain http on a LAN).
 */
export async function sha256OfBlob(file: Blob): Promise<string> {
  const hash = sha256.create();
  for (let at = 0; at < file.size; at += HASH_SLICE_BYTES) hash.update(new Uint8Array(await file.slice(at, at + HASH_SLICE_BYTES).arrayBuffer()));
  return bytesToHex(hash.digest());
}

async function findDataset(name: string): Promise<Dataset | null> {
  try {
    return await api().call('getDataset', { params: { name } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * Uploads a browser File as the dataset `name`, read once: each slice is hashed and sent, and the
 * request with the last slice names the sha256 (the server checks it). `known`, a sha256 the caller
 * computed already (to look for a stored copy), is declared instead, so stored content is not sent again.
 */
export async function uploadDataset(file: File, name: string, description = '', known?: string): Promise<Dataset> {
  const declared = { name, file_name: file.name, size: file.size, ...(known ? { sha256: known } : {}), description };
  let state: UploadState = await api().call('createDatasetUpload', { body: declared });
  // Declared without a sha256 the upload starts at 0, so the slices are hashed in order as they go.
  const hash = sha256.create();
  while (!state.complete) {
    const end = Math.min(file.size, state.offset + HASH_SLICE_BYTES);
    const bytes = new Uint8Array(await file.slice(state.offset, end).arrayBuffer());
    hash.update(bytes);
    const naming = known === undefined && end === file.size ? { sha256: bytesToHex(hash.digest()) } : {};
    const query = { offset: state.offset, ...naming };
    const response = await api().request('sendDatasetUpload', { params: { upload: state.id }, query, bytes: new Blob([bytes]) }, SEND_TIMEOUT_MS);
    state = (await response.json()) as UploadState;
  }
  if (!state.dataset) throw new Error(`the upload of ${name} completed without a dataset`);
  return state.dataset;
}

/**
 * A file attached on the Submit page as a job input: the dataset named after it when that holds
 * the same bytes, else a new upload (under the name with its hash when the plain name is taken),
 * as `gantry submit --input FILE` does. Returns the `dataset:NAME` reference.
 */
export async function inputForFile(file: File): Promise<string> {
  const digest = await sha256OfBlob(file);
  const plain = datasetNameFor(file.name);
  const taken = await findDataset(plain);
  if (taken?.sha256 === digest) return `dataset:${plain}`;
  const name = taken ? datasetNameWithHash(file.name, digest) : plain;
  if (!(await findDataset(name))) await uploadDataset(file, name, '', digest);
  return `dataset:${name}`;
}
