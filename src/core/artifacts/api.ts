import type { Readable } from 'node:stream';
import type { Artifact, ArtifactLimits, Dataset, JobInput, Model, UploadState } from '../../shared';

/** A job's output files in the content-addressed store of the data dir. */
export interface Artifacts {
  list(jobId: number): Artifact[];
  get(jobId: number, name: string): Artifact;
  /** The artifact and the path of its stored bytes, to stream a download from. */
  locate(jobId: number, name: string): Artifact & { path: string };
  /** Deletes the artifact; its bytes go once nothing else refers to them. */
  remove(jobId: number, name: string): void;
  /**
   * Starts an upload of `{name, size, sha256}` for a job, or finds the one already started for
   * that name and content (send from its `offset`). Content already stored completes at once.
   * Refuses sizes over the per-file or per-job limit, naming it.
   */
  createUpload(jobId: number, input: unknown, attempt: number | null): UploadState;
  upload(jobId: number, uploadId: string): UploadState;
  /** Appends a body at `offset` (which must be where the upload stands); verifies and stores the file once complete. */
  appendUpload(jobId: number, uploadId: string, offset: number, body: Readable, sha256?: string): Promise<UploadState>;
  readonly limits: ArtifactLimits;

  /** Registers a job's artifact `{name, job_id, artifact, metadata}` as the next version of that model. */
  registerModel(input: unknown): Model;
  /** Every model's versions, or one name's (newest first). */
  listModels(name?: string): Model[];
  /** One version; the newest without `version`. */
  getModel(name: string, version?: number): Model;
  locateModel(name: string, version?: number): Model & { path: string };
  /** Deletes one version or all of a name; each file goes once nothing refers to it. Returns how many versions went. */
  deleteModel(name: string, version?: number): number;

  /** Starts (or resumes) a dataset's upload `{name, file_name, size, sha256, description}`; stored content completes at once. */
  createDatasetUpload(input: unknown): Promise<UploadState>;
  datasetUpload(uploadId: string): UploadState;
  /** Appends a dataset upload's bytes; once complete, its format, rows, columns or file count are read and it is stored. */
  appendDatasetUpload(uploadId: string, offset: number, body: Readable, sha256?: string): Promise<UploadState>;
  listDatasets(): Dataset[];
  getDataset(name: string): Dataset;
  locateDataset(name: string): Dataset & { path: string };
  deleteDataset(name: string): void;

  /** A job's pinned input by position, with the path of its bytes (the agent stages it before the job starts). */
  locateJobInput(jobId: number, position: number): JobInput & { path: string };
  /** Removes stored bytes nothing refers to and stale uploads; the sweep calls it. */
  collect(): number;
}

export interface ArtifactOptions {
  /** Largest single artifact in bytes (default 50 GiB). */
  maxFileBytes?: number;
  /** Largest total of one job's artifacts in bytes (default 200 GiB). */
  maxJobBytes?: number;
}
