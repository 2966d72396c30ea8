import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Job-scoped tokens handed out with each claim: `gjob_<jobId>.<attempt>.<hmac>`.
 * Stateless on purpose: claiming is the hot path and storing a token per claim would
 * cost a database write each time. A token stops working once its job moves to another
 * attempt (checked by the caller against the job's current attempt) or is removed.
 */
export interface JobTokens {
  issue(jobId: number, attempt: number): string;
  /** The job and attempt a well-formed, correctly signed token names; null otherwise. */
  read(token: string): { jobId: number; attempt: number } | null;
}

const FORMAT = /^gjob_(\d{1,15})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

export function createJobTokens(secret: Buffer): JobTokens {
  const sign = (jobId: number, attempt: number) => createHmac('sha256', secret).update(`${jobId}.${attempt}`).digest();
  return {
    issue(jobId, attempt) {
      return `gjob_${jobId}.${attempt}.${sign(jobId, attempt).toString('base64url')}`;
    },
    read(token) {
      const match = FORMAT.exec(token);
      if (!match) return null;
      const jobId = Number(match[1]);
      const attempt = Number(match[2]);
      const given = Buffer.from(match[3], 'base64url');
      const expected = sign(jobId, attempt);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { jobId, attempt };
    },
  };
}

/** The per-data-dir signing secret, created (mode 0600) on first use so tokens survive restarts. */
export function loadJobTokenSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'job-token-secret');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
  }
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
