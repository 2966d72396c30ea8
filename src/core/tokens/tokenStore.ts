/**
 * API tokens: the secret is shown once at creation; only its sha256 is stored.
 * A job-scoped token names the one job whose metrics and artifacts it may touch.
 */
import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, TokenCreate, ValidationError, parseOrThrow, type CreatedToken, type TokenRecord } from '../../shared';
import type { CoreContext } from '../context';
import { recordAuthEvent } from './authLog';

/** Where a token change came from, for the auth log. */
export interface ChangeOrigin {
  address: string;
  route: string;
}

const IN_PROCESS: ChangeOrigin = { address: '', route: 'in-process' };

const COLUMNS = 'id, name, scope, job_id, project, prefix, created_at, last_used_at, revoked_at';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function createToken(ctx: CoreContext, input: unknown, origin: ChangeOrigin = IN_PROCESS): CreatedToken {
  const spec = parseOrThrow(TokenCreate, input);
  if (spec.scope === 'job' && spec.job_id === null) throw new ValidationError('job_id: a job token needs the job it belongs to', 'job_id');
  if (spec.scope !== 'job' && spec.job_id !== null) throw new ValidationError('job_id: only job tokens name a job', 'job_id');
  if (spec.project !== null && spec.scope !== 'admin' && spec.scope !== 'read') throw new ValidationError('project: only admin and read tokens are limited to a project', 'project');
  const token = `gantry_${randomBytes(24).toString('base64url')}`;
  const prefix = token.slice(0, 12);
  const id = ctx.tx(() => {
    if (spec.job_id !== null && !ctx.sql('SELECT 1 FROM jobs WHERE id = ?').get(spec.job_id)) throw new NotFoundError(`job ${spec.job_id} does not exist`, 'job_id');
    if (spec.project !== null && !ctx.sql('SELECT 1 FROM projects WHERE name = ?').get(spec.project)) throw new NotFoundError(`project "${spec.project}" does not exist`, 'project');
    const info = ctx.sql('INSERT INTO tokens (name, scope, job_id, project, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(spec.name, spec.scope, spec.job_id, spec.project, hashToken(token), prefix, ctx.now());
    const limit = spec.project === null ? '' : ` for project ${spec.project}`;
    recordAuthEvent(ctx, { kind: 'token_created', ...origin, token_name: spec.name, reason: `${spec.scope} token created${limit}` });
    return Number(info.lastInsertRowid);
  });
  return { token, record: ctx.sql(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`).get(id) as TokenRecord };
}

export function verifyToken(ctx: CoreContext, secret: string): TokenRecord | null {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > 200) return null;
  const record = ctx.sql(`SELECT ${COLUMNS} FROM tokens WHERE hash = ? AND revoked_at IS NULL`).get(hashToken(secret)) as TokenRecord | undefined;
  if (!record) return null;
  const now = ctx.now();
  // Write last_used_at at most once a minute: verification sits on every request's path.
  if (record.last_used_at === null || now - record.last_used_at > 60_000) {
    ctx.sql('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, record.id);
    record.last_used_at = now;
  }
  return record;
}

export function listTokens(ctx: CoreContext): TokenRecord[] {
  return ctx.sql(`SELECT ${COLUMNS} FROM tokens ORDER BY id`).all() as TokenRecord[];
}

export function revokeToken(ctx: CoreContext, id: number, origin: ChangeOrigin = IN_PROCESS): TokenRecord {
  return ctx.tx(() => {
    const existing = ctx.sql(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`).get(id) as TokenRecord | undefined;
    if (!existing) throw new NotFoundError(`token ${id} does not exist`, 'id');
    if (existing.revoked_at === null) {
      ctx.sql('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(ctx.now(), id);
      // The workers it enrolled lose their credentials with it.
      ctx.credentialsChanged();
      recordAuthEvent(ctx, { kind: 'token_revoked', ...origin, token_name: existing.name, reason: `${existing.scope} token revoked` });
    }
    return ctx.sql(`SELECT ${COLUMNS} FROM tokens WHERE id = ?`).get(id) as TokenRecord;
  });
}
