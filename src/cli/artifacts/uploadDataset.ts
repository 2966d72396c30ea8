import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { artifactRequest, jsonReply, sha256BesideUpload, type ArtifactEndpoint } from '../../agent';
import { ApiError, type Dataset, type UploadState } from '../../shared';

export interface DatasetUpload {
  path: string;
  name: string;
  fileName: string;
  description?: string;
  /**
   * The file's sha256 when the caller has it already (`--input FILE` hashes to find a stored copy):
   * declared, so content the store holds completes at once. Without it the file is hashed beside the upload, on a worker thread when it is large.
   */
  sha256?: string;
}

const uploadPath = (state: UploadState): string => `/api/v1/datasets/uploads/${state.id}`;

/** Sends from where the upload stands; with every byte there, an empty request names the sha256 hashed beside the upload. */
async function sendFrom(endpoint: ArtifactEndpoint, path: string, state: UploadState, sha256: Promise<string>): Promise<UploadState> {
  const done = state.offset === state.size;
  const file = { path, start: state.offset, length: state.size - state.offset };
  const naming = done ? `&sha256=${await sha256}` : '';
  return jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'PATCH', path: `${uploadPath(state)}?offset=${state.offset}${naming}`, file }));
}

/**
 * Where our session stands after a failed request, asked by its id: a session declared without a
 * sha256 is never resumed by declaring again. One the server no longer has starts over; a failure
 * to ask keeps the old state, so the next try sends from there.
 */
async function resumed(endpoint: ArtifactEndpoint, state: UploadState, declare: () => Promise<UploadState>): Promise<UploadState> {
  try {
    return jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'GET', path: uploadPath(state) }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return declare();
    return state;
  }
}

/**
 * Uploads a file as a dataset: declared by size (and sha256 when known), streamed while it is
 * hashed beside the upload (when not known), and resumed from the server's offset after a dropped
 * connection.
 */
export async function uploadDataset(endpoint: ArtifactEndpoint, upload: DatasetUpload): Promise<Dataset> {
  const size = statSync(upload.path).size;
  const declared = { name: upload.name, file_name: upload.fileName, size, ...(upload.sha256 ? { sha256: upload.sha256 } : {}), description: upload.description ?? '' };
  const declare = async (): Promise<UploadState> => jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'POST', path: '/api/v1/datasets/uploads', json: declared }));
  let state = await declare();
  const sha256 = upload.sha256 ? Promise.resolve(upload.sha256) : sha256BesideUpload(upload.path, size);
  for (let failures = 0; !state.complete; ) {
    try {
      state = await sendFrom(endpoint, upload.path, state, sha256);
    } catch (error) {
      const refused = error instanceof ApiError && error.status < 500 && error.code !== 'conflict';
      if (refused || ++failures > 8) throw error;
      await sleep(Math.min(10_000, 200 * 2 ** failures));
      state = await resumed(endpoint, state, declare);
    }
  }
  if (!state.dataset) throw new Error(`the upload of ${upload.name} completed without a dataset`);
  return state.dataset;
}
