import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactRequest, apiErrorOf, readBody, type ArtifactEndpoint } from './artifactHttp';

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashPrefix(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
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
  const response = await artifactRequest(endpoint, { method: 'GET', path, headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal });
  const status = response.statusCode ?? 500;
  const hash = createHash('sha256');
  if (status === 206) await hashPrefix(part, hash);
  else if (status === 416) {
    // The part file already holds every byte (or more than the artifact has); start over to be sure.
    await readBody(response);
    rmSync(part, { force: true });
    return downloadFromPath(endpoint, path, dest, signal);
  } else if (status !== 200) throw apiErrorOf(status, (await readBody(response)).toString());
  const expected = String(response.headers['x-sha256'] ?? '');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // Large writes: the socket's 64 KiB chunks gathered into 1 MiB disk writes.
  await pipeline(response, hashing, createWriteStream(part, { flags: status === 206 ? 'a' : 'w', mode: 0o600, highWaterMark: 1024 * 1024 }));
  const sha256 = hash.digest('hex');
  if (expected && sha256 !== expected) {
    rmSync(part, { force: true });
    throw new Error(`${path}: the downloaded bytes hash to sha256 ${sha256}, not ${expected}; the partial file was removed`);
  }
  renameSync(part, dest);
  return { size: sizeOf(dest), sha256 };
}
