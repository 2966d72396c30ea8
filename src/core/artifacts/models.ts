import { ModelCreate, NotFoundError, parseOrThrow, type Model, type ParamValue } from '../../shared';
import type { CoreContext } from '../context';
import { requireJobRow } from '../queue/jobRows';
import { blobPath, removeUnreferencedBlobs } from './blobStore';
import { getArtifact } from './jobArtifacts';

interface ModelRow {
  name: string;
  version: number;
  sha256: string;
  size: number;
  job_id: number | null;
  artifact: string;
  params: string;
  metrics: string;
  metadata: string;
  created_at: number;
}

function toModel(row: ModelRow): Model {
  return {
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    job_id: row.job_id,
    artifact: row.artifact,
    params: JSON.parse(row.params) as Record<string, ParamValue>,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    metadata: JSON.parse(row.metadata) as Model['metadata'],
    created_at: row.created_at,
  };
}

/**
 * The last value of each metric a job reported (latest attempt, then step, then arrival): per name,
 * one backward step along metrics_series_step from its end, so a million-point job reads a row a name.
 */
function finalMetrics(ctx: CoreContext, jobId: number): Record<string, number> {
  const names = ctx.sql('SELECT DISTINCT name FROM metric_series WHERE job_id = ? ORDER BY name').pluck().all(jobId) as string[];
  const last = ctx.sql('SELECT value FROM metrics WHERE job_id = ? AND name = ? ORDER BY attempt DESC, step DESC, rowid DESC LIMIT 1').pluck();
  return Object.fromEntries(names.map((name) => [name, last.get(jobId, name) as number]));
}

/** Registers a job's artifact as the next version of the named model, with the job's params and final metrics. */
export function registerModel(ctx: CoreContext, input: unknown): Model {
  const spec = parseOrThrow(ModelCreate, input);
  return ctx.tx(() => {
    const job = requireJobRow(ctx, spec.job_id);
    const artifact = getArtifact(ctx, spec.job_id, spec.artifact);
    const { version } = ctx.sql('SELECT COALESCE(MAX(version), 0) + 1 AS version FROM models WHERE name = ?').get(spec.name) as { version: number };
    ctx
      .sql('INSERT INTO models (name, version, sha256, size, job_id, artifact, params, metrics, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(spec.name, version, artifact.sha256, artifact.size, spec.job_id, spec.artifact, job.params, JSON.stringify(finalMetrics(ctx, spec.job_id)), JSON.stringify(spec.metadata), ctx.now());
    return getModel(ctx, spec.name, version);
  });
}

/** Every version of every model, newest version first within a name; or one name's versions. */
export function listModels(ctx: CoreContext, name?: string): Model[] {
  const rows = name === undefined
    ? (ctx.sql('SELECT * FROM models ORDER BY name, version DESC').all() as ModelRow[])
    : (ctx.sql('SELECT * FROM models WHERE name = ? ORDER BY version DESC').all(name) as ModelRow[]);
  if (name !== undefined && rows.length === 0) throw new NotFoundError(`there is no model named ${name}`, 'name');
  return rows.map(toModel);
}

/** One version, or the newest when `version` is undefined. */
export function getModel(ctx: CoreContext, name: string, version?: number): Model {
  const row = (version === undefined
    ? ctx.sql('SELECT * FROM models WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
    : ctx.sql('SELECT * FROM models WHERE name = ? AND version = ?').get(name, version)) as ModelRow | undefined;
  if (!row) throw new NotFoundError(version === undefined ? `there is no model named ${name}` : `model ${name} has no version ${version}`, 'name');
  return toModel(row);
}

export function locateModel(ctx: CoreContext, name: string, version?: number): Model & { path: string } {
  const model = getModel(ctx, name, version);
  return { ...model, path: blobPath(ctx.dataDir, model.sha256) };
}

/**
 * Deletes one version, or every version of the name: their rows go, and each file goes once
 * nothing refers to it any more (an artifact or another model with the same bytes keeps it).
 */
export function deleteModel(ctx: CoreContext, name: string, version?: number): number {
  const removed = ctx.tx(() => {
    const versions = version === undefined ? listModels(ctx, name) : [getModel(ctx, name, version)];
    const remove = ctx.sql('DELETE FROM models WHERE name = ? AND version = ?');
    for (const model of versions) remove.run(model.name, model.version);
    return versions.length;
  });
  removeUnreferencedBlobs(ctx);
  return removed;
}
