import { z } from 'zod';
import { ValidationError } from './domainErrors';

export const ErrorCode = z.enum([
  'invalid_request',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'payload_too_large',
  'rate_limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error shape every API error uses. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export { GantryError, ValidationError, NotFoundError, ConflictError } from './domainErrors';

/** Turns a zod failure into a ValidationError naming the first offending field, e.g. `requirements.gpus`. */
export function validationErrorFromZod(error: z.ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  const message = issue ? `${path || 'body'}: ${issue.message}` : 'invalid request';
  return new ValidationError(message, path || undefined);
}

/** Parses `value` with `schema`, throwing a ValidationError that names the field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error, prefix);
  return result.data;
}
