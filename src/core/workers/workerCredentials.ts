/**
 * Worker credentials: registering with an enrolment token (or an admin token) hands the agent a
 * `gwrk_…` secret bound to one worker id; only its sha256 is stored. Every later worker call
 * presents it, so one agent can act for its own worker and attempts only. A credential stops
 * working when the token that enrolled it is revoked.
 */
import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context';
import { hashToken } from '../tokens/tokenStore';

export const WORKER_CREDENTIAL_PREFIX = 'gwrk_';

export interface CredentialHolder {
  worker_id: string;
  name: string;
}

export function newWorkerCredential(): string {
  return `${WORKER_CREDENTIAL_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The worker a credential acts for; null for an unknown secret or one whose enrolling token was revoked. */
export function workerByCredential(ctx: CoreContext, secret: string): CredentialHolder | null {
  if (!secret.startsWith(WORKER_CREDENTIAL_PREFIX) || secret.length > 200) return null;
  const row = ctx.sql(`SELECT w.id AS worker_id, w.name FROM workers w LEFT JOIN tokens t ON t.id = w.enrolled_by
    WHERE w.credential_hash = ? AND (w.enrolled_by IS NULL OR t.revoked_at IS NULL)`).get(hashToken(secret)) as CredentialHolder | undefined;
  return row ?? null;
}

export interface AttemptHolder {
  worker_id: string;
  finished_at: number | null;
  /** Whether this is the job's latest attempt (the only one that may still log and report metrics). */
  current: boolean;
}

/** Who runs (or ran) an attempt, and whether it is still open; null when the job has no such attempt. */
export function attemptHolder(ctx: CoreContext, jobId: number, attempt: number): AttemptHolder | null {
  const row = ctx.sql(`SELECT a.worker_id, a.finished_at, j.attempt = a.attempt AS current FROM attempts a JOIN jobs j ON j.id = a.job_id
    WHERE a.job_id = ? AND a.attempt = ?`).get(jobId, attempt) as { worker_id: string; finished_at: number | null; current: number } | undefined;
  return row ? { worker_id: row.worker_id, finished_at: row.finished_at, current: row.current === 1 } : null;
}
