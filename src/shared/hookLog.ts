// Apart from schemas/suites so the agent's hook runner reads it without loading zod.

/** Hook output the agent keeps and sends: the end of it past this size. */
export const HOOK_LOG_LIMIT = 1024 * 1024;
