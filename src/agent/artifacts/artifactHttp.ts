import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { sendFileBody, type FileBody } from './sendFileBody';
import { ApiError, checkJsonSchema, ERROR_BODY_SCHEMA, type ErrorBody } from '../../shared';

/** Where artifacts go and come from: the coordinator's URL and, for https, extra trusted certificates. */
export interface ArtifactEndpoint {
  baseUrl: string;
  /** A job token, or an admin token for the CLI. */
  token: string;
  ca?: string | Buffer;
}

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
const httpsAgents = new Map<string, HttpsAgent>();

function httpsAgentFor(ca: string | Buffer | undefined): HttpsAgent {
  const key = ca === undefined ? '' : ca.toString();
  let agent = httpsAgents.get(key);
  if (!agent) {
    agent = new HttpsAgent({ keepAlive: true, maxSockets: 8, ca: ca === undefined ? undefined : [...rootCertificates, key] });
    httpsAgents.set(key, agent);
  }
  return agent;
}

export interface ArtifactRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** JSON to send, a stream of raw bytes, or part of a file (both sent as application/octet-stream). */
  json?: unknown;
  bytes?: Readable;
  file?: FileBody;
  /** Aborts the request (and its body stream). */
  signal?: AbortSignal;
}

/** The URL of a coordinator path. */
export function artifactUrl(endpoint: ArtifactEndpoint, path: string): URL {
  return new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}${path}`);
}

/**
 * One request to the coordinator over node:http(s), with a streamed body and a streamed reply.
 * Bodies here are files of any size, which the shared client (JSON, buffered) cannot carry.
 */
export function artifactRequest(endpoint: ArtifactEndpoint, request: ArtifactRequest): Promise<IncomingMessage> {
  const url = artifactUrl(endpoint, request.path);
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = { authorization: `Bearer ${endpoint.token}`, ...request.headers };
  const json = request.json === undefined ? undefined : Buffer.from(JSON.stringify(request.json));
  if (json) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(json.length) });
  if (request.bytes || request.file) headers['content-type'] = 'application/octet-stream';
  // A length, not chunked framing: the server reads the body in one piece per socket read.
  if (request.file) headers['content-length'] = String(request.file.length);
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: request.method,
      headers,
      agent: secure ? httpsAgentFor(endpoint.ca) : httpAgent,
      signal: request.signal,
    });
    req.on('response', resolve);
    req.on('error', reject);
    if (request.file) sendFileBody(req, request.file).catch((error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))));
    else if (request.bytes) {
      request.bytes.on('error', (error) => req.destroy(error));
      request.bytes.pipe(req);
    } else req.end(json);
  });
}

export async function readBody(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The reply's JSON when it succeeded; otherwise an ApiError with the server's code, message and field. */
export async function jsonReply<T>(response: IncomingMessage): Promise<T> {
  const text = (await readBody(response)).toString();
  const status = response.statusCode ?? 500;
  if (status >= 200 && status < 300) return JSON.parse(text) as T;
  throw apiErrorOf(status, text);
}

export function apiErrorOf(status: number, text: string): ApiError {
  try {
    const body: unknown = JSON.parse(text);
    if (checkJsonSchema(ERROR_BODY_SCHEMA, body) === null) {
      const { error } = body as ErrorBody;
      return new ApiError(error.code, error.message, status, error.field);
    }
  } catch {
    // Not JSON: a proxy's page, say; the status and the start of the text say enough.
  }
  return new ApiError(status >= 500 ? 'internal' : 'invalid_request', `HTTP ${status}: ${text.slice(0, 200)}`, status);
}
