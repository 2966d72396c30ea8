import type { CoreContext } from '../context';
import type { ArtifactOptions, Artifacts } from './api';
import { removeUnreferencedBlobs } from './blobStore';
import { deleteArtifact, getArtifact, listArtifacts, locateArtifact } from './jobArtifacts';
import { DEFAULT_STORAGE_LIMITS } from './limits';
import { deleteModel, getModel, listModels, locateModel, registerModel } from './models';
import { deleteDataset, getDataset, listDatasets, locateDataset } from './datasets';
import { locateJobInput } from './jobInputs';
import { UploadSessions } from './uploads';

/** An upload nobody has finished for a day is abandoned; its part file goes. */
const STALE_UPLOAD_MS = 24 * 3600_000;
/** The sweep ticks every few seconds; collecting once a minute is plenty. */
const COLLECT_EVERY_MS = 60_000;

export function createArtifacts(ctx: CoreContext, options: ArtifactOptions = {}): Artifacts & { tick(): void } {
  const limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_STORAGE_LIMITS.maxFileBytes,
    maxJobBytes: options.maxJobBytes ?? DEFAULT_STORAGE_LIMITS.maxJobBytes,
  };
  const uploads = new UploadSessions(ctx, limits);
  let lastCollect = Number.NEGATIVE_INFINITY;
  const collect = (): number => {
    lastCollect = ctx.now();
    return uploads.removeStale(STALE_UPLOAD_MS) + removeUnreferencedBlobs(ctx);
  };
  return {
    list: (jobId) => listArtifacts(ctx, jobId),
    get: (jobId, name) => getArtifact(ctx, jobId, name),
    locate: (jobId, name) => locateArtifact(ctx, jobId, name),
    remove: (jobId, name) => deleteArtifact(ctx, jobId, name),
    createUpload: (jobId, input, attempt) => uploads.create(jobId, input, attempt),
    upload: (jobId, uploadId) => uploads.get(jobId, uploadId),
    appendUpload: (jobId, uploadId, offset, body, sha256) => uploads.append(jobId, uploadId, offset, body, sha256),
    registerModel: (input) => registerModel(ctx, input),
    listModels: (name) => listModels(ctx, name),
    getModel: (name, version) => getModel(ctx, name, version),
    locateModel: (name, version) => locateModel(ctx, name, version),
    deleteModel: (name, version) => deleteModel(ctx, name, version),
    createDatasetUpload: (input) => uploads.createDataset(input),
    datasetUpload: (uploadId) => uploads.get(null, uploadId),
    appendDatasetUpload: (uploadId, offset, body, sha256) => uploads.append(null, uploadId, offset, body, sha256),
    listDatasets: () => listDatasets(ctx),
    getDataset: (name) => getDataset(ctx, name),
    locateDataset: (name) => locateDataset(ctx, name),
    deleteDataset: (name) => deleteDataset(ctx, name),
    locateJobInput: (jobId, position) => locateJobInput(ctx, jobId, position),
    limits: { max_file_bytes: limits.maxFileBytes, max_job_bytes: limits.maxJobBytes },
    collect,
    tick: () => {
      if (ctx.now() - lastCollect >= COLLECT_EVERY_MS) collect();
    },
  };
}
