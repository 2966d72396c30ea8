import { z } from 'zod';
import { TokenScope } from '../states';

export const TokenCreate = z.strictObject({
  name: z.string().min(1).max(200),
  scope: TokenScope,
  /** Required for the job scope: the one job whose metrics and artifacts the token may touch. */
  job_id: z.number().int().positive().nullable().default(null),
  /** Admin and read tokens only: the one project whose jobs the token reaches (a coding agent's token, say). */
  project: z.string().min(1).max(200).nullable().default(null),
});
export type TokenCreate = z.input<typeof TokenCreate>;

/** A token as stored and listed: never the secret itself. */
export const TokenRecord = z.object({
  id: z.number().int(),
  name: z.string(),
  scope: TokenScope,
  job_id: z.number().int().nullable(),
  /** The one project the token reaches; null for all. Optional on the wire for coordinators from before it existed. */
  project: z.string().nullable().optional(),
  prefix: z.string(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;

/** Returned once at creation: the secret is not stored, only its hash. */
export const CreatedToken = z.object({ token: z.string(), record: TokenRecord });
export type CreatedToken = z.infer<typeof CreatedToken>;

/** Why an entry is in the auth log. */
export const AuthLogKind = z.enum(['failure', 'token_created', 'token_revoked']);
export type AuthLogKind = z.infer<typeof AuthLogKind>;

/** One stored authentication failure or token change; never the secret itself. */
export const AuthLogEntry = z.object({
  id: z.number().int(),
  at: z.number(),
  kind: AuthLogKind,
  /** Client address; empty for changes made in-process (the desktop app, `gantry serve`). */
  address: z.string(),
  /** The token's name, or "unknown" when the secret matched none. */
  token_name: z.string(),
  /** `METHOD /path` as routed, or the CLI/core action. */
  route: z.string(),
  reason: z.string(),
});
export type AuthLogEntry = z.infer<typeof AuthLogEntry>;

export const AuthLogQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
