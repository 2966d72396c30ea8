import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../shared';
import { toErrorReply } from './errorReply';

/** For fastify's `frameworkErrors` option: bad URLs and over-long params answer in the same shape. */
export function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorReply(error);
  void reply.status(status).send(body);
}

/** The one error handler and the not-found handler, both answering `{error: {code, message, field}}`. */
export function registerErrorHandling(app: FastifyInstance, fallback?: (url: string) => boolean): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorReply(error);
    // A body that outgrew the limit while streaming (no content-length): name the route's limit.
    if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      body.error.message = `${request.method} ${request.routeOptions.url ?? request.url} takes bodies of at most ${request.routeOptions.bodyLimit} bytes`;
      body.error.field = 'body';
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (fallback && request.method === 'GET' && fallback(request.url)) return reply.sendFile('index.html');
    const { status, body } = toErrorReply(new NotFoundError(`not found: no route ${request.method} ${request.url.split('?')[0]}`));
    return reply.status(status).send(body);
  });
}
