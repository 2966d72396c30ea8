import type { FastifyRequest } from 'fastify';

/** WebSocket clients put the token in the query string; it must never reach a log line. */
export function redactTokenInUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]');
}

/** Fastify's request serializer, minus the secret. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactTokenInUrl(request.url), host: request.host, remoteAddress: request.ip };
}
