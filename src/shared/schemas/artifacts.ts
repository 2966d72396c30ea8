import { z } from 'zod';

/** A lowercase hex sha256 digest. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 is 64 lowercase hex digits');

/**
 * A path relative to the job's directory, with `/` between parts: no absolute path, no `..`,
 * no empty or `.` part, no backslash or NUL. It names a file on disk when staged or downloaded,
 * so anything that could step outside the target directory is refused.
 */
export const ArtifactName = z
  .string()
  .min(1, 'name must not be empty')
  .max(1000)
  .refine((name) => !name.startsWith('/'), 'name must be relative to the job directory, not start with /')
  .refine((name) => !/[\\\0]/.test(name), 'name must not contain a backslash or a NUL byte')
  .refine((name) => name.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), 'name must not contain empty, . or .. parts');

/** A glob of files the agent uploads when the job ends, relative to its working directory (`ckpt/*.pt`). */
export const OutputGlob = z
  .string()
  .min(1)
  .max(1000)
  .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), 'outputs are globs relative to the job directory: no leading / and no ..');

/** One file a job produced, stored by content (sha256), listed per job. */
export const Artifact = z.object({
  /** The path relative to the job's directory. */
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  /** The attempt that uploaded it; null when an admin did. */
  attempt: z.number().int().nullable(),
  created_at: z.number(),
});
export type Artifact = z.infer<typeof Artifact>;

/** Starts (or resumes) an upload: the bytes then go to the upload's route at its offset. */
export const UploadCreate = z.strictObject({
  name: ArtifactName,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /**
   * Declared up front, content the store already holds completes without a byte sent. Left out,
   * the client hashes while it sends (on a second thread) and names the sha256 with its last PATCH
   * (`?sha256=`), so the hash adds no time; the server checks it against what it received.
   */
  sha256: Sha256.optional(),
  attempt: z.number().int().min(1).optional(),
});
export type UploadCreate = z.input<typeof UploadCreate>;

/** Where an upload stands: send bytes from `offset` until it is `complete`. */
export const UploadState = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  /** Null while an upload declared without a sha256 waits for the client to name it. */
  sha256: z.string().nullable(),
  offset: z.number().int(),
  complete: z.boolean(),
  /** Set once complete: the stored artifact (an upload for a job). */
  artifact: Artifact.nullable(),
  /** Set once complete: the dataset (an upload of a dataset). */
  dataset: z.lazy(() => Dataset).nullable().optional(),
});
export type UploadState = z.infer<typeof UploadState>;

export const UploadChunkQuery = z.strictObject({
  /** The byte offset this body starts at; it must equal the upload's offset. */
  offset: z.coerce.number().int().min(0),
  /** The file's sha256, for an upload declared without one: sent with the request that ends it (an empty body once every byte is there). */
  sha256: Sha256.optional(),
});

/** Storage limits for uploads; a refusal names the limit it hit. */
export const ArtifactLimits = z.object({
  max_file_bytes: z.number().int(),
  max_job_bytes: z.number().int(),
});
export type ArtifactLimits = z.infer<typeof ArtifactLimits>;

/** Names of models and datasets: they appear in paths and on command lines. */
export const RegistryName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'names are letters, digits and . _ - (starting with a letter or digit)');

const MetadataValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export const Metadata = z.record(z.string().min(1).max(200), MetadataValue).refine((m) => Object.keys(m).length <= 200, 'at most 200 metadata entries');

/** Registers a job's artifact as the next version of a named model. */
export const ModelCreate = z.strictObject({
  name: RegistryName,
  job_id: z.number().int().positive(),
  /** The artifact's name in that job. */
  artifact: ArtifactName,
  metadata: Metadata.default({}),
});
export type ModelCreate = z.input<typeof ModelCreate>;

export const Model = z.object({
  name: z.string(),
  version: z.number().int(),
  size: z.number().int(),
  sha256: z.string(),
  /** The artifact it was registered from: its job and name, as recorded (the model outlives the job). */
  job_id: z.number().int().nullable(),
  artifact: z.string(),
  /** The job's parameters and the last value of each of its metrics, as they were at registration. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  metrics: z.record(z.string(), z.number()),
  metadata: z.record(z.string(), MetadataValue),
  created_at: z.number(),
});
export type Model = z.infer<typeof Model>;

/**
 * What a job takes as input, staged into its directory before it starts: `JOB:PATH` (an artifact
 * of another job), `model:NAME` or `model:NAME@VERSION`, `dataset:NAME` (the CLI uploads a local
 * file given to `--input` as a dataset first), or `sha256:HEX[:FILENAME]` (any content the store
 * holds, e.g. an uploaded file). A zip or tar is extracted there; any other file is copied under its name.
 */
export const InputRef = z
  .string()
  .min(1)
  .max(1200)
  .regex(/^(\d+:.+|model:[^@]+(@\d+)?|dataset:.+|sha256:[0-9a-f]{64}(:[^/\\]+)?)$/, 'an input is JOB:PATH, model:NAME[@VERSION], dataset:NAME or sha256:HEX[:FILENAME]');

/** An input as the coordinator pinned it at submit: the exact content the job gets, whatever happens to its source later. */
export const JobInput = z.object({
  /** What the submitter named, e.g. `12:data.zip` or `model:resnet@3`. */
  source: z.string(),
  /** The file name it is staged under (an archive is extracted instead). */
  name: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  /** `zip` or `tar` when it is extracted into the job's directory; null when copied as a file. */
  archive: z.enum(['zip', 'tar']).nullable(),
  /** The job's `sync`: its working directory, extracted into a directory of the attempt's own that the job runs in. */
  workdir: z.boolean().optional(),
});
export type JobInput = z.infer<typeof JobInput>;

/** How a file name says it is an archive the agent extracts (node-tar reads plain and gzipped tars, not bzip2 or xz). */
export function archiveKind(name: string): 'zip' | 'tar' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (/\.(tar|tar\.gz|tgz)$/.test(lower)) return 'tar';
  return null;
}

export const DatasetFormat = z.enum(['csv', 'jsonl', 'parquet', 'zip', 'tar', 'other']);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** A named dataset: one stored file or archive, with what Gantry read from it. */
export const Dataset = z.object({
  name: z.string(),
  file_name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  format: DatasetFormat,
  /** Data rows of CSV (header excluded), JSONL and Parquet; null for other formats. */
  rows: z.number().int().nullable(),
  columns: z.array(z.string()).nullable(),
  /** Files in a zip or tar; null for other formats. */
  files: z.number().int().nullable(),
  description: z.string(),
  created_at: z.number(),
});
export type Dataset = z.infer<typeof Dataset>;

/** Starts (or resumes) the upload of a dataset; the bytes go to its upload's route like an artifact's. */
export const DatasetUploadCreate = z.strictObject({
  name: RegistryName,
  /** The uploaded file's own name: its extension says the format, and jobs get it under this name. */
  file_name: z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'file_name is a file name without / or \\').refine((n) => n !== '.' && n !== '..', 'file_name must not be . or ..'),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /**
   * Optional, as for an artifact: without it the client hashes while it sends and names the sha256
   * with its last PATCH (`?sha256=`); with it, content already stored completes at once.
   */
  sha256: Sha256.optional(),
  description: z.string().max(10_000).default(''),
});
export type DatasetUploadCreate = z.input<typeof DatasetUploadCreate>;
