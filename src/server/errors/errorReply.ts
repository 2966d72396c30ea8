import { z } from 'zod';
import { GantryError, validationErrorFromZod, type ErrorBody, type ErrorCode } from '../../shared';

const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
};

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
};

/** Domain messages may quote client input; a bound keeps a hostile value from bloating every error reply. */
const MAX_MESSAGE = 1000;

export interface ErrorReply {
  status: number;
  body: ErrorBody;
}

function reply(status: number, code: ErrorCode, message: string, field?: string): ErrorReply {
  const error: ErrorBody['error'] = { code, message: message.slice(0, MAX_MESSAGE) };
  if (field !== undefined) error.field = field.slice(0, MAX_MESSAGE);
  return { status, body: { error } };
}

/** Fastify's own errors (bad JSON, body too large, bad URL) carry a 4xx statusCode and an FST_ code. */
function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = (error as { statusCode: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * Maps anything thrown while serving a request to the one error shape.
 * 5xx replies never carry the original message or stack: those go to the log only.
 */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof GantryError) {
    const status = STATUS_OF[error.code];
    if (status >= 500) return reply(500, 'internal', 'internal error');
    return reply(status, error.code, error.message, error.field);
  }
  if (error instanceof z.ZodError) {
    const validation = validationErrorFromZod(error);
    return reply(400, 'invalid_request', validation.message, validation.field);
  }
  const status = clientStatusOf(error);
  if (status !== undefined) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return reply(400, 'invalid_request', 'malformed JSON body', 'body');
    const message = error instanceof Error ? error.message : 'invalid request';
    return reply(status, CODE_OF_STATUS[status] ?? 'invalid_request', message);
  }
  return reply(500, 'internal', 'internal error');
}
