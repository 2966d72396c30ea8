import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, GantryError, NotFoundError, ValidationError } from '../../../../src/shared';
import { toErrorReply } from '../../../../src/server/errors/errorReply';

describe('toErrorReply', () => {
  it.each([
    [new ValidationError('bad', 'requirements.gpus'), 400, 'invalid_request', 'requirements.gpus'],
    [new GantryError('unauthorized', 'no'), 401, 'unauthorized', undefined],
    [new GantryError('forbidden', 'no'), 403, 'forbidden', undefined],
    [new NotFoundError('job 9 not found'), 404, 'not_found', undefined],
    [new ConflictError('stale attempt'), 409, 'conflict', undefined],
    [new GantryError('payload_too_large', 'big'), 413, 'payload_too_large', undefined],
    [new GantryError('rate_limited', 'slow down'), 429, 'rate_limited', undefined],
  ])('maps %s to its status, code and field', (error, status, code, field) => {
    const reply = toErrorReply(error);
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.field).toBe(field);
  });

  it('hides the message of internal errors, typed or not', () => {
    for (const error of [new GantryError('internal', 'db path /secret'), new Error('SQLITE_CORRUPT at /home/x'), 'a string']) {
      expect(toErrorReply(error)).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    }
  });

  it('turns a zod failure into 400 naming the field path', () => {
    const result = z.object({ requirements: z.object({ gpus: z.number() }) }).safeParse({ requirements: { gpus: 'x' } });
    const reply = toErrorReply(result.error);
    expect(reply.status).toBe(400);
    expect(reply.body.error.field).toBe('requirements.gpus');
  });

  it('keeps fastify client errors as 4xx in the one shape', () => {
    expect(toErrorReply(Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).body.error.code).toBe('payload_too_large');
    expect(toErrorReply(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })).body.error).toEqual({ code: 'invalid_request', message: 'malformed JSON body', field: 'body' });
  });

  it('bounds a huge message', () => {
    expect(toErrorReply(new ValidationError('x'.repeat(100_000))).body.error.message.length).toBeLessThanOrEqual(1000);
  });
});
