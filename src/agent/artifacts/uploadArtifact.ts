import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type Artifact, type UploadState } from '../../shared';
import { backoffDelay } from '../spool/backoff';
import { artifactRequest, jsonReply, type ArtifactEndpoint } from './artifactHttp';

export interface UploadOptions {
  jobId: number;
  /** The file to send. */
  path: string;
  /** Its name among the job's artifacts: a path relative to the job's directory. */
  name: string;
  /** The attempt it belongs to (a job token implies its own). */
  attempt?: number;
  /** Requests that fail for a network reason or a busy upload are retried this many times in a row, resuming where the server stands. */
  retries?: number;
  signal?: AbortSignal;
}

/** The sha256 of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Network failures, a server restarting, or another request still writing this upload: worth another try. */
function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return !(error instanceof Error && error.name === 'AbortError');
  return error.status >= 500 || error.code === 'conflict';
}

async function sendFrom(endpoint: ArtifactEndpoint, options: UploadOptions, state: UploadState): Promise<UploadState> {
  const response = await artifactRequest(endpoint, {
    method: 'PATCH',
    path: `/api/v1/jobs/${options.jobId}/uploads/${state.id}?offset=${state.offset}`,
    bytes: createReadStream(options.path, { start: state.offset }),
    signal: options.signal,
  });
  return jsonReply<UploadState>(response);
}

/** Declares the upload: the server answers where it stands (a new one at 0, a resumed one further, stored content complete). */
async function declare(endpoint: ArtifactEndpoint, options: UploadOptions, declared: object): Promise<UploadState> {
  return jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'POST', path: `/api/v1/jobs/${options.jobId}/uploads`, json: declared, signal: options.signal }));
}

/**
 * Uploads a file as an artifact of a job: declares its size and sha256, then streams the bytes.
 * A dropped connection is resumed from the offset the server has on disk; content the store
 * already holds completes without sending a byte. Refusals (limits, a bad name) are thrown as ApiError.
 */
export async function uploadArtifact(endpoint: ArtifactEndpoint, options: UploadOptions): Promise<Artifact> {
  const size = statSync(options.path).size;
  const sha256 = await sha256OfFile(options.path);
  const declared = { name: options.name, size, sha256, ...(options.attempt === undefined ? {} : { attempt: options.attempt }) };
  let state = await declare(endpoint, options, declared);
  let failures = 0;
  while (!state.complete) {
    try {
      state = await sendFrom(endpoint, options, state);
      failures = 0;
    } catch (error) {
      failures++;
      if (!retryable(error) || failures > (options.retries ?? 8)) throw error;
      await sleep(backoffDelay(failures, { baseMs: 200, capMs: 10_000 }), undefined, { signal: options.signal });
      // Declaring again is idempotent: it tells where the server stands, or that the last bytes did arrive.
      state = await declare(endpoint, options, declared).catch((): UploadState => state);
    }
  }
  if (!state.artifact) throw new Error(`the upload of ${options.name} completed without an artifact`);
  return state.artifact;
}
