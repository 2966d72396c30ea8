import { createReadStream, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { artifactRequest, jsonReply, sha256OfFile, type ArtifactEndpoint } from '../../agent';
import { ApiError, type Dataset, type UploadState } from '../../shared';

export interface DatasetUpload {
  path: string;
  name: string;
  fileName: string;
  description?: string;
}

/** Uploads a file as a dataset: declared by size and sha256, streamed, resumed from the server's offset after a dropped connection. */
export async function uploadDataset(endpoint: ArtifactEndpoint, upload: DatasetUpload): Promise<Dataset> {
  const size = statSync(upload.path).size;
  const declared = { name: upload.name, file_name: upload.fileName, size, sha256: await sha256OfFile(upload.path), description: upload.description ?? '' };
  const declare = async (): Promise<UploadState> => jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'POST', path: '/api/v1/datasets/uploads', json: declared }));
  let state = await declare();
  for (let failures = 0; !state.complete; ) {
    try {
      const bytes = createReadStream(upload.path, { start: state.offset });
      state = await jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'PATCH', path: `/api/v1/datasets/uploads/${state.id}?offset=${state.offset}`, bytes }));
    } catch (error) {
      const refused = error instanceof ApiError && error.status < 500 && error.code !== 'conflict';
      if (refused || ++failures > 8) throw error;
      await sleep(Math.min(10_000, 200 * 2 ** failures));
      state = await declare();
    }
  }
  if (!state.dataset) throw new Error(`the upload of ${upload.name} completed without a dataset`);
  return state.dataset;
}
