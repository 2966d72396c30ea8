import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type Artifact, type UploadState } from '../../shared';
import { backoffDelay } from '../spool/backoff';
import { artifactRequest, jsonReply, type ArtifactEndpoint } from './artifactHttp';
import { FileTailHash, TAIL_HASH_MIN_BYTES } from './fileTailHash';

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

/**
 * The sha256 of a file about to be uploaded, computed beside the upload instead of from the bytes
 * as they are sent: a large file on a worker thread that reads it from the page cache while the
 * main thread sends it, a small one read once more on the main thread. Either way it is the whole
 * file's hash, however often the upload resumes, and the server checks what it received against
 * it. A file changed meanwhile fails that check rather than storing a mix of old and new bytes.
 */
export function sha256BesideUpload(path: string, size: number): Promise<string> {
  const digest = size >= TAIL_HASH_MIN_BYTES ? new FileTailHash(path).finish(size) : sha256OfFile(path);
  // Awaited only once every byte is sent; an upload that fails first leaves it to nobody.
  digest.catch(() => undefined);
  return digest;
}

async function sendFrom(endpoint: ArtifactEndpoint, options: UploadOptions, state: UploadState, sha256: Promise<string>): Promise<UploadState> {
  // Every byte is there but the sha256 is not named yet: an empty request names it and ends the upload.
  const done = state.offset === state.size;
  const file = { path: options.path, start: state.offset, length: state.size - state.offset };
  const naming = done ? `&sha256=${await sha256}` : '';
  const response = await artifactRequest(endpoint, { method: 'PATCH', path: `/api/v1/jobs/${options.jobId}/uploads/${state.id}?offset=${state.offset}${naming}`, file, signal: options.signal });
  return jsonReply<UploadState>(response);
}

/** Declares the upload: the server answers where it stands (a new one at 0, a resumed one further, stored content complete). */
async function declare(endpoint: ArtifactEndpoint, options: UploadOptions, declared: object): Promise<UploadState> {
  return jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'POST', path: `/api/v1/jobs/${options.jobId}/uploads`, json: declared, signal: options.signal }));
}

/**
 * Where our own session stands after a failed request (its id, not a new declaration: see
 * UploadSessions.create); one the server no longer has (discarded, or completed with the reply
 * lost) starts over. A failure to ask keeps the old state, so the next try sends from there.
 */
async function resumed(endpoint: ArtifactEndpoint, options: UploadOptions, state: UploadState, declared: object): Promise<UploadState> {
  try {
    return jsonReply<UploadState>(await artifactRequest(endpoint, { method: 'GET', path: `/api/v1/jobs/${options.jobId}/uploads/${state.id}`, signal: options.signal }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return declare(endpoint, options, declared);
    return state;
  }
}

/**
 * Uploads a file as an artifact of a job: declares its size, streams the bytes while they are
 * hashed beside it (sha256BesideUpload), and names the sha256 at the end, which the server checks
 * against what it received (the store keeps one copy of identical content either way, but known
 * content is sent again). A dropped connection is resumed from the offset the server has on disk.
 * Refusals (limits, a bad name, a hash mismatch) are thrown as ApiError.
 */
export async function uploadArtifact(endpoint: ArtifactEndpoint, options: UploadOptions): Promise<Artifact> {
  const size = statSync(options.path).size;
  const declared = { name: options.name, size, ...(options.attempt === undefined ? {} : { attempt: options.attempt }) };
  let state = await declare(endpoint, options, declared);
  const sha256 = sha256BesideUpload(options.path, size);
  let failures = 0;
  while (!state.complete) {
    try {
      state = await sendFrom(endpoint, options, state, sha256);
      failures = 0;
    } catch (error) {
      failures++;
      if (!retryable(error) || failures > (options.retries ?? 8)) throw error;
      await sleep(backoffDelay(failures, { baseMs: 200, capMs: 10_000 }), undefined, { signal: options.signal });
      state = await resumed(endpoint, options, state, declared);
    }
  }
  if (!state.artifact) throw new Error(`the upload of ${options.name} completed without an artifact`);
  return state.artifact;
}
