import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactRequest, apiErrorOf, readBody, type ArtifactEndpoint } from './artifactHttp';
import { bulkGet, UnframedBodyError } from './bulkHttpGet';
import { HashingFileSink } from './hashingFileSink';

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashPrefix(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
}

/** A GET's answer as a download reads it, whichever client fetched it. */
interface Download {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** Hands a body chunk back once written (the bulk reader reuses its buffers). */
  recycle(chunk: Buffer): void;
}

/**
 * Plain http goes through bulkGet, which reads the body in 1 MiB buffers with far less CPU than
 * node:http; https (and a body a proxy re-chunked) through node:http, which handles TLS and any framing.
 */
async function get(endpoint: ArtifactEndpoint, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Download> {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}${path}`);
  if (url.protocol === 'http:') {
    try {
      return await bulkGet(url, { authorization: `Bearer ${endpoint.token}`, ...headers }, signal);
    } catch (error) {
      if (!(error instanceof UnframedBodyError)) throw error;
    }
  }
  const response = await artifactRequest(endpoint, { method: 'GET', path, headers, signal });
  return { statusCode: response.statusCode ?? 500, headers: response.headers, body: response, recycle: () => undefined };
}

/**
 * Downloads a job's artifact to `dest`, streamed through a `.part` file beside it: a `.part` left
 * by an interrupted download is continued with a Range request. The bytes are checked against the
 * sha256 the server stores before `dest` appears, so `dest` is complete and right or absent.
 */
export function downloadArtifact(endpoint: ArtifactEndpoint, jobId: number, name: string, dest: string, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  return downloadFromPath(endpoint, `/api/v1/jobs/${jobId}/artifacts/${name.split('/').map(encodeURIComponent).join('/')}`, dest, signal);
}

/** Downloads any stored file the coordinator serves at `path` (an artifact, a model, a dataset, a job's input), as downloadArtifact does. */
export async function downloadFromPath(endpoint: ArtifactEndpoint, path: string, dest: string, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const have = sizeOf(part);
  const response = await get(endpoint, path, have > 0 ? { range: `bytes=${have}-` } : {}, signal);
  const status = response.statusCode;
  const hash = createHash('sha256');
  if (status === 206) await hashPrefix(part, hash);
  else if (status === 416) {
    // The part file already holds every byte (or more than the artifact has); start over to be sure.
    await readBody(response.body);
    rmSync(part, { force: true });
    return downloadFromPath(endpoint, path, dest, signal);
  } else if (status !== 200) throw apiErrorOf(status, (await readBody(response.body)).toString());
  const expected = String(response.headers['x-sha256'] ?? '');
  await pipeline(response.body, new HashingFileSink(part, status === 206 ? have : 0, hash, (chunk) => response.recycle(chunk)));
  const sha256 = hash.digest('hex');
  if (expected && sha256 !== expected) {
    rmSync(part, { force: true });
    throw new Error(`${path}: the downloaded bytes hash to sha256 ${sha256}, not ${expected}; the partial file was removed`);
  }
  renameSync(part, dest);
  return { size: sizeOf(dest), sha256 };
}
