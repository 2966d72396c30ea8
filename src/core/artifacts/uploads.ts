import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { ConflictError, DatasetUploadCreate, GantryError, NotFoundError, UploadCreate, ValidationError, parseOrThrow, type UploadState } from '../../shared';
import type { CoreContext } from '../context';
import { requireJobRow } from '../queue/jobRows';
import { appendBody } from './appendBody';
import { adoptBlob, blobPath, hasBlob, hashFile, uploadsDir } from './blobStore';
import { readDatasetFacts } from './datasetMetadata';
import { findDataset, recordDataset } from './datasets';
import { jobArtifactBytes, recordArtifact } from './jobArtifacts';
import type { StorageLimits } from './limits';

/** An upload for a job's artifact, or (job_id null) of a dataset named `name`. */
interface UploadRow {
  id: string;
  job_id: number | null;
  name: string;
  file_name: string | null;
  description: string | null;
  size: number;
  sha256: string;
  attempt: number | null;
  created_at: number;
}

/** Where the hash of an upload's bytes stands, kept between requests so a large file is read once. */
interface RunningHash {
  hash: Hash;
  offset: number;
}

function partPath(ctx: CoreContext, id: string): string {
  return join(uploadsDir(ctx.dataDir), `${id}.part`);
}

function partSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
/** artifact_uploads.sha256 of an upload declared without one (the column is NOT NULL); the client names it at the end. */
const UNNAMED = '';
/** Disk writes per call: the body's 64 KiB chunks gathered into fewer, larger writes. */
const WRITE_CHUNK_BYTES = 1024 * 1024;

function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit ? `${bytes} bytes (${value.toFixed(1)} ${unit})` : `${bytes} bytes`;
}

/** Counts and hashes the bytes passing through, and refuses any beyond the declared size. */
function meter(hashState: RunningHash, room: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > room) return done(new ValidationError(`the body carries more bytes than the upload's declared size`, 'size'));
      hashState.hash.update(chunk);
      hashState.offset += chunk.length;
      done(null, chunk);
    },
  });
}

/**
 * Uploads into the artifact store: a session per (job, name) with the size and sha256 the
 * client declares; bytes arrive in one or more requests, each at the offset the session is at
 * (a dropped connection resumes from what reached the disk), and the file is verified against
 * the hash before it becomes an artifact. Content the store already holds needs no bytes at all.
 */
export class UploadSessions {
  private readonly hashes = new Map<string, RunningHash>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly limits: StorageLimits,
  ) {
    mkdirSync(uploadsDir(ctx.dataDir), { recursive: true, mode: 0o700 });
  }

  create(jobId: number, input: unknown, attempt: number | null): UploadState {
    const spec = parseOrThrow(UploadCreate, input);
    // An empty file has one possible hash, so it never waits for the client to name it.
    const sha256 = spec.sha256 ?? (spec.size === 0 ? EMPTY_SHA256 : UNNAMED);
    const ctx = this.ctx;
    return ctx.tx(() => {
      requireJobRow(ctx, jobId);
      this.checkLimits(jobId, spec.name, spec.size);
      if (sha256 !== UNNAMED && hasBlob(ctx, sha256, spec.size)) {
        ctx.sql('DELETE FROM artifact_uploads WHERE job_id = ? AND name = ?').run(jobId, spec.name);
        const artifact = recordArtifact(ctx, jobId, spec.name, sha256, spec.size, attempt);
        return { id: '', name: spec.name, size: spec.size, sha256, offset: spec.size, complete: true, artifact, dataset: null };
      }
      const existing = ctx.sql('SELECT * FROM artifact_uploads WHERE job_id = ? AND name = ?').get(jobId, spec.name) as UploadRow | undefined;
      // Bytes of an unnamed upload cannot be told apart from another file's of the same size: such
      // a session is resumed by its id (GET …/uploads/ID), never by declaring again.
      if (existing && sha256 !== UNNAMED && existing.sha256 === sha256 && existing.size === spec.size) return this.state(existing);
      if (existing) this.discard(existing.id);
      const id = randomBytes(16).toString('hex');
      ctx.sql('INSERT INTO artifact_uploads (id, job_id, name, size, sha256, attempt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        id, jobId, spec.name, spec.size, sha256, attempt, ctx.now(),
      );
      const row = this.row(jobId, id);
      if (spec.size > 0) return this.state(row);
      // Nothing to send: an empty file is complete as soon as it is declared.
      writeFileSync(partPath(ctx, id), '', { mode: 0o600 });
      this.verify(row, EMPTY_SHA256);
      return this.completeArtifact(row, partPath(ctx, id));
    });
  }

  /**
   * Starts (or resumes) the upload of a dataset `{name, file_name, size, sha256, description}`. A
   * name already taken is refused; content the store holds already becomes the dataset at once.
   */
  async createDataset(input: unknown): Promise<UploadState> {
    const spec = parseOrThrow(DatasetUploadCreate, input);
    const sha256 = spec.sha256 ?? (spec.size === 0 ? EMPTY_SHA256 : UNNAMED);
    const ctx = this.ctx;
    if (findDataset(ctx, spec.name)) throw new ConflictError(`a dataset named ${spec.name} exists; delete it first or choose another name`, 'name');
    this.checkFileLimit(spec.name, spec.size);
    if (sha256 !== UNNAMED && hasBlob(ctx, sha256, spec.size)) {
      const facts = await readDatasetFacts(blobPath(ctx.dataDir, sha256), spec.file_name);
      const dataset = ctx.tx(() => {
        if (findDataset(ctx, spec.name)) throw new ConflictError(`a dataset named ${spec.name} exists; delete it first or choose another name`, 'name');
        ctx.sql('DELETE FROM artifact_uploads WHERE job_id IS NULL AND name = ?').run(spec.name);
        return recordDataset(ctx, { name: spec.name, fileName: spec.file_name, sha256, size: spec.size, description: spec.description, facts });
      });
      return { id: '', name: spec.name, size: spec.size, sha256, offset: spec.size, complete: true, artifact: null, dataset };
    }
    const row = ctx.tx(() => {
      const existing = ctx.sql('SELECT * FROM artifact_uploads WHERE job_id IS NULL AND name = ?').get(spec.name) as UploadRow | undefined;
      // As for artifacts: an unnamed session is resumed by its id, never by declaring again.
      if (existing && sha256 !== UNNAMED && existing.sha256 === sha256 && existing.size === spec.size && existing.file_name === spec.file_name) return existing;
      if (existing) this.discard(existing.id);
      const id = randomBytes(16).toString('hex');
      ctx.sql('INSERT INTO artifact_uploads (id, job_id, name, file_name, description, size, sha256, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)').run(
        id, spec.name, spec.file_name, spec.description, spec.size, sha256, ctx.now(),
      );
      return this.row(null, id);
    });
    if (spec.size > 0) return this.state(row);
    writeFileSync(partPath(ctx, row.id), '', { mode: 0o600 });
    this.verify(row, EMPTY_SHA256);
    return this.completeDataset(row, partPath(ctx, row.id));
  }

  /** jobId null: a dataset's upload. */
  get(jobId: number | null, id: string): UploadState {
    return this.state(this.row(jobId, id));
  }

  /**
   * Appends `body` at `offset`; once the declared size is reached and the sha256 is named (at
   * create, or by `sha256` with this or a later request), verifies it and stores the file.
   */
  async append(jobId: number | null, id: string, offset: number, body: Readable, sha256?: string): Promise<UploadState> {
    const row = this.name(this.row(jobId, id), sha256);
    if (this.busy.has(id)) throw new ConflictError(`another request is sending the bytes of upload ${id}; wait for it to end`, 'offset');
    this.busy.add(id);
    try {
      const path = partPath(this.ctx, id);
      const current = partSize(path);
      if (offset !== current) throw new ConflictError(`upload ${id} is at offset ${current}, not ${offset}; send from ${current}`, 'offset');
      const running = await this.hashUpTo(id, path, current);
      try {
        await appendBody(body, meter(running, row.size - current), createWriteStream(path, { flags: 'a', mode: 0o600, highWaterMark: WRITE_CHUNK_BYTES }), path);
      } catch (error) {
        // What reached the disk is the truth; the next request rehashes it from there.
        this.hashes.delete(id);
        if (partSize(path) > row.size) truncateSync(path, row.size);
        throw error;
      }
      if (running.offset < row.size || row.sha256 === UNNAMED) return this.state(row);
      this.verify(row, running.hash.digest('hex'));
      return row.job_id === null ? await this.completeDataset(row, path) : this.completeArtifact(row, path);
    } finally {
      this.busy.delete(id);
    }
  }

  /** Drops sessions untouched for `maxAgeMs`, and part files whose session went with its job. */
  removeStale(maxAgeMs: number): number {
    const ctx = this.ctx;
    const cutoff = ctx.now() - maxAgeMs;
    const stale = ctx.sql('SELECT id FROM artifact_uploads WHERE created_at < ?').all(cutoff) as Array<{ id: string }>;
    for (const { id } of stale) if (!this.busy.has(id)) ctx.tx(() => this.discard(id));
    const live = new Set((ctx.sql('SELECT id FROM artifact_uploads').all() as Array<{ id: string }>).map((r) => r.id));
    let removed = stale.length;
    for (const file of readdirSync(uploadsDir(ctx.dataDir))) {
      const id = file.replace(/\.part$/, '');
      if (!live.has(id) && !this.busy.has(id)) {
        rmSync(join(uploadsDir(ctx.dataDir), file), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Records the sha256 a client names for an upload declared without one; naming another than the declared one is refused. */
  private name(row: UploadRow, sha256: string | undefined): UploadRow {
    if (sha256 === undefined || sha256 === row.sha256) return row;
    if (row.sha256 !== UNNAMED) throw new ValidationError(`upload ${row.id} was declared with sha256 ${row.sha256}, not ${sha256}`, 'sha256');
    this.ctx.sql('UPDATE artifact_uploads SET sha256 = ? WHERE id = ?').run(sha256, row.id);
    return { ...row, sha256 };
  }

  private checkFileLimit(name: string, size: number): void {
    const { maxFileBytes } = this.limits;
    if (size > maxFileBytes) {
      throw new GantryError('payload_too_large', `${name} is ${formatBytes(size)}; the per-file artifact limit (max_file_bytes) is ${formatBytes(maxFileBytes)}`, 'size');
    }
  }

  private checkLimits(jobId: number, name: string, size: number): void {
    const { maxJobBytes } = this.limits;
    this.checkFileLimit(name, size);
    const others = jobArtifactBytes(this.ctx, jobId, name);
    if (others + size > maxJobBytes) {
      throw new GantryError(
        'payload_too_large',
        `job ${jobId}'s artifacts would take ${formatBytes(others + size)}; the per-job artifact limit (max_job_bytes) is ${formatBytes(maxJobBytes)}`,
        'size',
      );
    }
  }

  private async hashUpTo(id: string, path: string, offset: number): Promise<RunningHash> {
    const known = this.hashes.get(id);
    if (known && known.offset === offset) return known;
    const { hash, bytes } = offset === 0 ? { hash: createHash('sha256'), bytes: 0 } : await hashFile(path, offset);
    const running = { hash, offset: bytes };
    this.hashes.set(id, running);
    return running;
  }

  private verify(row: UploadRow, digest: string): void {
    this.hashes.delete(row.id);
    if (digest === row.sha256) return;
    this.ctx.tx(() => this.discard(row.id));
    throw new ValidationError(`the bytes of ${row.name} hash to sha256 ${digest}, not the declared ${row.sha256}; the upload was discarded, start it again`, 'sha256');
  }

  private completeArtifact(row: UploadRow, path: string): UploadState {
    const ctx = this.ctx;
    const jobId = row.job_id as number;
    return ctx.tx(() => {
      requireJobRow(ctx, jobId);
      adoptBlob(ctx, path, row.sha256, row.size);
      ctx.sql('DELETE FROM artifact_uploads WHERE id = ?').run(row.id);
      const artifact = recordArtifact(ctx, jobId, row.name, row.sha256, row.size, row.attempt);
      return { id: row.id, name: row.name, size: row.size, sha256: row.sha256, offset: row.size, complete: true, artifact, dataset: null };
    });
  }

  /** Reads the dataset's facts from the verified file (a bad file is refused and discarded), then stores it. */
  private async completeDataset(row: UploadRow, path: string): Promise<UploadState> {
    const ctx = this.ctx;
    const fileName = row.file_name ?? row.name;
    let facts;
    try {
      facts = await readDatasetFacts(path, fileName);
    } catch (error) {
      ctx.tx(() => this.discard(row.id));
      throw new ValidationError(`${error instanceof Error ? error.message : String(error)}; the upload was discarded`, 'file_name');
    }
    return ctx.tx(() => {
      if (findDataset(ctx, row.name)) throw new ConflictError(`a dataset named ${row.name} was created meanwhile; delete it first`, 'name');
      adoptBlob(ctx, path, row.sha256, row.size);
      ctx.sql('DELETE FROM artifact_uploads WHERE id = ?').run(row.id);
      const dataset = recordDataset(ctx, { name: row.name, fileName, sha256: row.sha256, size: row.size, description: row.description ?? '', facts });
      return { id: row.id, name: row.name, size: row.size, sha256: row.sha256, offset: row.size, complete: true, artifact: null, dataset };
    });
  }

  private discard(id: string): void {
    this.hashes.delete(id);
    this.ctx.sql('DELETE FROM artifact_uploads WHERE id = ?').run(id);
    rmSync(partPath(this.ctx, id), { force: true });
  }

  private row(jobId: number | null, id: string): UploadRow {
    const row = this.ctx.sql('SELECT * FROM artifact_uploads WHERE id = ? AND job_id IS ?').get(id, jobId) as UploadRow | undefined;
    const owner = jobId === null ? 'there is no dataset upload' : `job ${jobId} has no upload`;
    if (!row) throw new NotFoundError(`${owner} ${id}; it completed, was discarded, or never existed`, 'upload');
    return row;
  }

  private state(row: UploadRow): UploadState {
    return { id: row.id, name: row.name, size: row.size, sha256: row.sha256 === UNNAMED ? null : row.sha256, offset: partSize(partPath(this.ctx, row.id)), complete: false, artifact: null, dataset: null };
  }
}
