import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiError, GantryError } from '../shared';

/** What a model reads first (one short text) and what a program reads (the same facts as JSON). */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * A refusal as a tool error the model can act on: the API's code, message and field (which
 * argument to fix), rather than a protocol error that would hide them.
 */
export function errorResult(error: unknown): CallToolResult {
  if (error instanceof GantryError) {
    const status = error instanceof ApiError ? error.status : undefined;
    const body = { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(status ? { status } : {}) };
    return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}${error.field ? ` (field: ${error.field})` : ''}` }], structuredContent: { error: body } };
  }
  throw error;
}

/** Runs a tool body, turning Gantry's refusals into tool errors; anything else is a bug and stays a protocol error. */
export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return errorResult(error);
  }
}
