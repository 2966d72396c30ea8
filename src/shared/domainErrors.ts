import type { ErrorCode } from './errors';

// Apart from errors.ts (the zod error shape) so that code which only throws or catches these, the
// agent's bundle among it, loads no zod: see scripts/build-agent.mjs.

/** Domain errors thrown by the core; the server maps `code` to an HTTP status. */
export class GantryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GantryError';
  }
}

export class ValidationError extends GantryError {
  constructor(message: string, field?: string) {
    super('invalid_request', message, field);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends GantryError {
  constructor(message: string, field?: string) {
    super('not_found', message, field);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends GantryError {
  constructor(message: string, field?: string) {
    super('conflict', message, field);
    this.name = 'ConflictError';
  }
}
