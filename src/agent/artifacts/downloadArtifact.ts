import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactRequest, apiErrorOf, artifactUrl, readBody, type ArtifactEndpoint } from './artifactHttp';
import { FileSink } from './fileSink';
import { FileTailHash, TAIL_HASH_MIN_BYTES } from './fileTailHash';
import { rawHttpGet, type RawResponse } from './rawHttpGet';

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A hash of the file's first `start` bytes (what an earlier download left), to go on with. */
async function hashPrefix(path: string, start: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (start > 0) for await (const chunk of createReadStream(path, { end: start - 1, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash;
}

/** A response whose head arrived, however it was read: its status, the sha256 the server names, and its body to save or read as text. */
interface Fetched {
  status: number;
  sha256: string;
  /** Writes the body into `part` from `start` (0: the file is created or truncated); returns the sha256 of the whole file. */
  save(part: string, start: number): Promise<string>;
  text(): Promise<string>;
}

function fetchedByNodeHttp(response: IncomingMessage): Fetched {
  return {
    status: response.statusCode ?? 500,
    sha256: String(response.headers['x-sha256'] ?? ''),
    save: async (part, start) => {
      const hash = await hashPrefix(part, start);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      // Large writes: the socket's 64 KiB chunks gathered into 1 MiB disk writes.
      await pipeline(response, hashing, createWriteStream(part, { flags: start > 0 ? 'a' : 'w', mode: 0o600, highWaterMark: 1024 * 1024 }));
      return hash.digest('hex');
    },
    text: async () => (await readBody(response)).toString(),
  };
}

function fetchedRaw(response: RawResponse): Fetched {
  return {
    status: response.statusCode,
    sha256: response.headers['x-sha256'] ?? '',
    save: async (part, start) => {
      const size = start + (response.length ?? 0);
      const fd = openSync(part, start > 0 ? 'r+' : 'w', 0o600);
      // A large file is hashed by a worker reading it back, the part an earlier download left included.
      const tail = size >= TAIL_HASH_MIN_BYTES ? new FileTailHash(part) : null;
      const hash = tail ? null : await hashPrefix(part, start);
      try {
        await response.readInto(new FileSink(fd, start, tail ? (_piece, end) => tail.advance(end) : (piece) => hash?.update(piece)));
      } catch (error) {
        tail?.stop();
        throw error;
      } finally {
        closeSync(fd);
      }
      return tail ? tail.finish(size) : (hash as Hash).digest('hex');
    },
    text: () => response.text(),
  };
}

/**
 * The GET itself. Plain http bodies framed by Content-Length (what the coordinator sends) are read
 * by rawHttpGet, at a fraction of node:http's CPU per byte; https, and a body a proxy re-framed,
 * go through node:http.
 */
async function fetchFile(endpoint: ArtifactEndpoint, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Fetched> {
  const url = artifactUrl(endpoint, path);
  if (url.protocol === 'http:') {
    const raw = await rawHttpGet(url, { authorization: `Bearer ${endpoint.token}`, ...headers }, signal);
    const ok = raw.statusCode >= 200 && raw.statusCode < 300;
    if (!ok || raw.length !== null) return fetchedRaw(raw);
    raw.close();
  }
  return fetchedByNodeHttp(await artifactRequest(endpoint, { method: 'GET', path, headers, signal }));
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
  const response = await fetchFile(endpoint, path, have > 0 ? { range: `bytes=${have}-` } : {}, signal);
  if (response.status === 416) {
    // The part file already holds every byte (or more than the artifact has); start over to be sure.
    await response.text();
    rmSync(part, { force: true });
    return downloadFromPath(endpoint, path, dest, signal);
  }
  if (response.status !== 200 && response.status !== 206) throw apiErrorOf(response.status, await response.text());
  const sha256 = await response.save(part, response.status === 206 ? have : 0);
  if (response.sha256 && sha256 !== response.sha256) {
    rmSync(part, { force: true });
    throw new Error(`${path}: the downloaded bytes hash to sha256 ${sha256}, not ${response.sha256}; the partial file was removed`);
  }
  renameSync(part, dest);
  return { size: sizeOf(dest), sha256 };
}
