import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ClaimedJob, JobInput } from '../../shared';
import type { ArtifactEndpoint } from './artifactHttp';
import { downloadFromPath } from './downloadArtifact';
import { extractArchive } from './extractArchive';
import type { InputCache } from './inputCache';
import { placeTree, type PlaceMode } from './placeTree';
import { SharedStagingDirs } from './sharedStagingDirs';

/** One input to stage: its content as the coordinator pinned it, and the coordinator path that serves its bytes. */
export interface StageInput extends JobInput {
  /** e.g. `/api/v1/jobs/12/inputs/0`; fetched with the endpoint's token. */
  from: string;
}

export interface StageOptions {
  /** The coordinator and the token that may read the inputs (a job token, a worker credential). */
  endpoint: ArtifactEndpoint;
  /**
   * A per-worker cache: each content is downloaded, and each archive extracted, once; the target
   * folder gets hard links to read-only files. Without it every call downloads and extracts afresh.
   */
  cache?: InputCache;
  /**
   * With a cache: give the target writable copies of its own instead of hard links to the cache's
   * read-only files, so a process writing into them (as root, past the read-only bits) changes only its copy.
   */
  copy?: boolean;
  /** One line per staged input, e.g. for the job's log. */
  log?: (line: string) => void;
  /** Stops the downloads; what was placed so far is removed. */
  signal?: AbortSignal;
}

/** What staging put into the target folder: the paths it made, removed after the attempt unless kept. */
export interface StagedInputs {
  created: string[];
}

async function fetchChecked(options: StageOptions, input: StageInput, dest: string): Promise<void> {
  const { sha256 } = await downloadFromPath(options.endpoint, input.from, dest, options.signal);
  if (sha256 === input.sha256) return;
  rmSync(dest, { force: true });
  throw new Error(`${input.source}: the bytes hash to sha256 ${sha256}, not the pinned ${input.sha256}`);
}

/** Places a file at `dir/name`, or each top-level entry of an extracted tree into `dir`. */
async function placeContent(input: StageInput, content: string, dir: string, mode: PlaceMode, created: string[]): Promise<void> {
  if (!input.archive) return placeTree(content, join(dir, input.name), mode, created);
  for (const entry of readdirSync(content)) await placeTree(join(content, entry), join(dir, entry), mode, created);
}

/** Downloads and extracts into a scratch folder inside `dir` (same filesystem, so placing is a rename). */
async function stageFresh(options: StageOptions, input: StageInput, dir: string, created: string[]): Promise<number | null> {
  const scratch = mkdtempSync(join(dir, '.gantry-input-'));
  try {
    const download = join(scratch, input.archive ? 'archive' : 'file');
    await fetchChecked(options, input, download);
    if (!input.archive) {
      await placeContent(input, download, dir, 'move', created);
      return null;
    }
    const tree = join(scratch, 'tree');
    mkdirSync(tree);
    const entries = await extractArchive(input.archive, download, tree);
    await placeContent(input, tree, dir, 'move', created);
    return entries;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function stageOne(options: StageOptions, input: StageInput, dir: string, created: string[]): Promise<string> {
  const { cache } = options;
  if (cache) {
    let downloaded = false;
    const fetch = (dest: string): Promise<void> => {
      downloaded = true;
      return fetchChecked(options, input, dest);
    };
    await cache.use(input, fetch, (content) => placeContent(input, content, dir, options.copy ? 'copy' : 'link', created));
    const how = downloaded ? "downloaded into the worker's cache" : "from the worker's cache";
    return input.archive ? `${input.source} → extracted ${input.name} (${how})` : `${input.source} → ${input.name} (${how})`;
  }
  const entries = await stageFresh(options, input, dir, created);
  return entries === null ? `${input.source} → ${input.name}` : `${input.source} → extracted ${input.name} (${entries} entries)`;
}

/**
 * Downloads each input with the endpoint's token, checks it against its pinned sha256, and puts it
 * into `targetDir`: a file under its name, a zip or tar (plain or gzipped) extracted. Files the
 * folder already holds are never replaced (same bytes are left, other bytes fail staging). On
 * failure whatever this call placed is removed again. Used for a job's inputs before it starts;
 * any agent code that needs coordinator files in a folder (suite hooks, synced work dirs) calls it too.
 */
export async function stageInputs(inputs: readonly StageInput[], targetDir: string, options: StageOptions): Promise<StagedInputs> {
  const dir = resolve(targetDir);
  mkdirSync(dir, { recursive: true });
  const created: string[] = [];
  try {
    for (const input of inputs) {
      options.signal?.throwIfAborted();
      // Staged before logging: with no log, `log?.(…)` would skip evaluating its argument.
      const what = await stageOne(options, input, dir, created);
      options.log?.(`gantry: staged ${what}\n`);
    }
  } catch (error) {
    removeStagedInputs(dir, { created });
    throw error;
  }
  return { created };
}

/** Removes what staging made in `targetDir` (never anything outside it), newest first. */
export function removeStagedInputs(targetDir: string, staged: StagedInputs): void {
  const dir = resolve(targetDir);
  for (const path of [...staged.created].reverse()) {
    const inside = relative(dir, path);
    if (inside === '' || inside.startsWith('..')) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

/** A claimed job's pinned inputs, each served to its job token at `/api/v1/jobs/:id/inputs/:position`. */
export function jobInputRefs(claimed: ClaimedJob): StageInput[] {
  return (claimed.job.inputs ?? []).map((input, position) => ({ ...input, from: `/api/v1/jobs/${claimed.job.id}/inputs/${position}` }));
}

/** A job's staged inputs; `release()` once the attempt is done with them (see SharedStagingDirs). */
export interface StagedJobInputs extends StagedInputs {
  /** Removes them, unless the job keeps its inputs, once no other job of this worker uses the same directory. */
  release(): void;
}

/** Stages a claimed job's inputs into its directory before it starts, with the job's own token. */
export type StageJobInputs = (claimed: ClaimedJob, cwd: string, log: (line: string) => void, signal: AbortSignal) => Promise<StagedJobInputs>;

/** A synced working directory (`workdir` inputs) first, then the job's own inputs. */
async function stageWorkDirThenInputs(refs: StageInput[], dir: string, options: StageOptions, workDirCache: InputCache | undefined): Promise<StagedInputs> {
  const base = await stageInputs(refs.filter((ref) => ref.workdir), dir, { ...options, cache: workDirCache ?? options.cache });
  try {
    const added = await stageInputs(refs.filter((ref) => !ref.workdir), dir, { ...options, copy: true });
    return { created: [...base.created, ...added.created] };
  } catch (error) {
    removeStagedInputs(dir, base);
    throw error;
  }
}

/**
 * Stages through the worker's cache when given one: a synced working directory (`sync`) first,
 * hard-linked from `workDirCache` (one extraction per worker for a whole sweep), then the job's
 * inputs as copies of its own out of `cache` (reflinks where the filesystem has them): downloaded
 * once per worker, yet a job writing into one, even as root, never reaches another job's copy.
 * Jobs sharing a directory share what is staged there until the last of them ends (SharedStagingDirs).
 */
export function jobInputStager(coordinator: Omit<ArtifactEndpoint, 'token'>, cache?: InputCache, workDirCache?: InputCache): StageJobInputs {
  const sharedDirs = new SharedStagingDirs();
  return async (claimed, cwd, log, signal) => {
    const dir = resolve(cwd);
    const keep = claimed.job.keep_inputs === true;
    sharedDirs.enter(dir);
    let staged: StagedInputs;
    try {
      staged = await stageWorkDirThenInputs(jobInputRefs(claimed), dir, { endpoint: { ...coordinator, token: claimed.token }, cache, log, signal }, workDirCache);
    } catch (error) {
      // This job's own paths are gone already; what others left for it to remove goes now.
      removeStagedInputs(dir, { created: sharedDirs.leave(dir, [], keep) });
      throw error;
    }
    let released = false;
    return {
      created: staged.created,
      release() {
        if (released) return;
        released = true;
        removeStagedInputs(dir, { created: sharedDirs.leave(dir, staged.created, keep) });
      },
    };
  };
}
