import { NotFoundError, type Artifact } from '../../shared';
import type { CoreContext } from '../context';
import { requireJobRow } from '../queue/jobRows';
import { blobPath, removeUnreferencedBlobs } from './blobStore';

interface ArtifactRow {
  name: string;
  size: number;
  sha256: string;
  attempt: number | null;
  created_at: number;
}

const COLUMNS = 'name, size, sha256, attempt, created_at';

/** A job's artifacts, by name. */
export function listArtifacts(ctx: CoreContext, jobId: number): Artifact[] {
  requireJobRow(ctx, jobId);
  return ctx.sql(`SELECT ${COLUMNS} FROM artifacts WHERE job_id = ? ORDER BY name`).all(jobId) as ArtifactRow[];
}

export function getArtifact(ctx: CoreContext, jobId: number, name: string): Artifact {
  requireJobRow(ctx, jobId);
  const row = ctx.sql(`SELECT ${COLUMNS} FROM artifacts WHERE job_id = ? AND name = ?`).get(jobId, name) as ArtifactRow | undefined;
  if (!row) throw new NotFoundError(`job ${jobId} has no artifact named ${name}`, 'name');
  return row;
}

/** The artifact with the path of its stored bytes, for streaming a download. */
export function locateArtifact(ctx: CoreContext, jobId: number, name: string): Artifact & { path: string } {
  const artifact = getArtifact(ctx, jobId, name);
  return { ...artifact, path: blobPath(ctx.dataDir, artifact.sha256) };
}

/**
 * Bytes a job's artifacts take, with those its unfinished uploads will take, the name `except`
 * left out (it is about to be replaced): parallel uploads cannot slip past the limit together.
 */
export function jobArtifactBytes(ctx: CoreContext, jobId: number, except: string): number {
  const stored = ctx.sql('SELECT COALESCE(SUM(size), 0) AS bytes FROM artifacts WHERE job_id = ? AND name != ?').get(jobId, except) as { bytes: number };
  const coming = ctx.sql('SELECT COALESCE(SUM(size), 0) AS bytes FROM artifact_uploads WHERE job_id = ? AND name != ?').get(jobId, except) as { bytes: number };
  return stored.bytes + coming.bytes;
}

/** Records (or replaces) a job's artifact; its blob must be stored already. Call inside a transaction. */
export function recordArtifact(ctx: CoreContext, jobId: number, name: string, sha256: string, size: number, attempt: number | null): Artifact {
  ctx.sql('DELETE FROM artifacts WHERE job_id = ? AND name = ?').run(jobId, name);
  const createdAt = ctx.now();
  ctx.sql('INSERT INTO artifacts (job_id, name, sha256, size, attempt, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(jobId, name, sha256, size, attempt, createdAt);
  return { name, size, sha256, attempt, created_at: createdAt };
}

/** Deletes one artifact; its bytes go when nothing else refers to them. */
export function deleteArtifact(ctx: CoreContext, jobId: number, name: string): void {
  ctx.tx(() => {
    getArtifact(ctx, jobId, name);
    ctx.sql('DELETE FROM artifacts WHERE job_id = ? AND name = ?').run(jobId, name);
  });
  removeUnreferencedBlobs(ctx);
}
