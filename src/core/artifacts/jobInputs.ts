import { archiveKind, NotFoundError, ValidationError, type JobInput } from '../../shared';
import type { CoreContext } from '../context';
import { blobPath, hasBlobContent } from './blobStore';
import { findDataset } from './datasets';
import { getArtifact } from './jobArtifacts';
import { getModel } from './models';

const lastPart = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Pins one input to the content it names now. */
function resolveInput(ctx: CoreContext, source: string, field: string): JobInput {
  const pin = (name: string, sha256: string, size: number): JobInput => ({ source, name, sha256, size, archive: archiveKind(name) });
  const artifact = /^(\d+):(.+)$/.exec(source);
  if (artifact) {
    try {
      const found = getArtifact(ctx, Number(artifact[1]), artifact[2]);
      return pin(lastPart(found.name), found.sha256, found.size);
    } catch (error) {
      throw error instanceof NotFoundError ? new NotFoundError(`${field}: ${error.message}`, field) : error;
    }
  }
  const model = /^model:([^@]+)(?:@(\d+))?$/.exec(source);
  if (model) {
    try {
      const found = getModel(ctx, model[1], model[2] === undefined ? undefined : Number(model[2]));
      return pin(lastPart(found.artifact), found.sha256, found.size);
    } catch (error) {
      throw error instanceof NotFoundError ? new NotFoundError(`${field}: ${error.message}`, field) : error;
    }
  }
  const dataset = /^dataset:(.+)$/.exec(source);
  if (dataset) {
    const found = findDataset(ctx, dataset[1]);
    if (!found) throw new NotFoundError(`${field}: there is no dataset named ${dataset[1]}`, field);
    return pin(found.file_name, found.sha256, found.size);
  }
  const content = /^sha256:([0-9a-f]{64})(?::(.+))?$/.exec(source);
  const size = content ? hasBlobContent(ctx, content[1]) : null;
  if (!content || size === null) throw new NotFoundError(`${field}: the store holds no content ${source}; upload it first`, field);
  return pin(lastPart(content[2] ?? content[1]), content[1], size);
}

/** Pins each named input to its content at submit, so the job gets exactly that whatever happens to the source. */
export function resolveInputs(ctx: CoreContext, sources: readonly string[], field: string): JobInput[] {
  return sources.map((source, i) => resolveInput(ctx, source, `${field}.${i}`));
}

/** Pins a job's `sync`: an archive the job runs in a copy of, on whichever worker claims it. */
export function resolveWorkDir(ctx: CoreContext, source: string, field: string): JobInput {
  const input = resolveInput(ctx, source, field);
  if (input.archive === null) throw new ValidationError(`${field}: ${source} is ${input.name}, not a tar or zip of a directory (POST /api/v1/workdirs packs one)`, field);
  return { ...input, workdir: true };
}

/** Refers to the pinned contents for as long as the job exists. Call inside the submit transaction. */
export function recordJobInputs(ctx: CoreContext, jobId: number, inputs: readonly JobInput[]): void {
  const insert = ctx.sql('INSERT INTO job_inputs (job_id, position, sha256) VALUES (?, ?, ?)');
  inputs.forEach((input, position) => insert.run(jobId, position, input.sha256));
}

/** A job's input by position, with the path of its bytes, for the agent to download. */
export function locateJobInput(ctx: CoreContext, jobId: number, position: number): JobInput & { path: string } {
  const row = ctx.sql('SELECT inputs FROM jobs WHERE id = ?').get(jobId) as { inputs: string } | undefined;
  if (!row) throw new NotFoundError(`job ${jobId} does not exist`, 'id');
  const input = (JSON.parse(row.inputs) as JobInput[])[position];
  if (!input) throw new NotFoundError(`job ${jobId} has no input ${position}`, 'position');
  return { ...input, path: blobPath(ctx.dataDir, input.sha256) };
}
