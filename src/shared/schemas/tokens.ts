import { z } from 'zod';
import { TokenScope } from '../states';

export const TokenCreate = z.strictObject({
  name: z.string().min(1).max(200),
  scope: TokenScope,
  /** Required for the job scope: the one job whose metrics and artifacts the token may touch. */
  job_id: z.number().int().positive().nullable().default(null),
});
export type TokenCreate = z.input<typeof TokenCreate>;

/** A token as stored and listed: never the secret itself. */
export const TokenRecord = z.object({
  id: z.number().int(),
  name: z.string(),
  scope: TokenScope,
  job_id: z.number().int().nullable(),
  prefix: z.string(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;

/** Returned once at creation: the secret is not stored, only its hash. */
export const CreatedToken = z.object({ token: z.string(), record: TokenRecord });
export type CreatedToken = z.infer<typeof CreatedToken>;
