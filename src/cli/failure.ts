import { CommanderError } from 'commander';
import { ApiError } from '../shared';
import { CliError, EXIT } from './exitCodes';

export interface Failure {
  exitCode: number;
  /** Null when commander already printed its message or there is nothing to say. */
  message: string | null;
}

/** fetch() rejects with a TypeError whose cause names the socket error; a timeout rejects with the AbortSignal's reason. */
export function isUnreachable(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return error instanceof TypeError && error.message === 'fetch failed';
}

function networkCause(error: Error): string {
  if (error.name === 'TimeoutError') return 'the request timed out';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/** The one wording for an unreachable coordinator, shared by REST calls and the log follower. */
export function unreachableMessage(error: unknown, url?: string): string {
  const where = url ? ` at ${url}` : '';
  const cause = error instanceof Error ? networkCause(error) : String(error);
  return `cannot reach the coordinator${where} (${cause}); is \`gantry serve\` running?`;
}

/** Maps anything a command throws to the documented exit code and one line for stderr. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CommanderError) {
    return { exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage, message: null };
  }
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message ? `error: ${error.message}` : null };
  if (error instanceof ApiError) {
    if (error.status >= 500) return { exitCode: EXIT.unreachable, message: `error: the coordinator failed: ${error.message}` };
    const field = error.field ? ` (field: ${error.field})` : '';
    return { exitCode: EXIT.apiRefused, message: `error: ${error.message}${field}` };
  }
  if (isUnreachable(error)) return { exitCode: EXIT.unreachable, message: `error: ${unreachableMessage(error)}` };
  // An unexpected failure is a bug in gantry; the stack helps whoever reports it.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: EXIT.jobFailed, message: `error: ${detail}` };
}
