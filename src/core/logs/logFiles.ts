/**
 * Attempt logs: one file per attempt under <dataDir>/logs/<job>/<attempt>.log.
 * Chunks carry consecutive sequence numbers; each is written at the byte offset the database
 * records, so a chunk re-sent after a crash overwrites itself instead of appearing twice, and
 * bytes past the recorded size (a write the database never committed) are never served.
 */
import { closeSync, constants, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '../../shared';
import type { LogRead } from '../api';
import type { CoreContext } from '../context';

export function logDir(dataDir: string, jobId: number): string {
  return join(dataDir, 'logs', String(jobId));
}

export function logPath(dataDir: string, jobId: number, attempt: number): string {
  return join(logDir(dataDir, jobId), `${attempt}.log`);
}

interface LogState {
  log_seq: number;
  log_bytes: number;
  finished_at: number | null;
}

function requireAttempt(ctx: CoreContext, jobId: number, attempt: number): LogState {
  const row = ctx.sql('SELECT log_seq, log_bytes, finished_at FROM attempts WHERE job_id = ? AND attempt = ?').get(jobId, attempt) as LogState | undefined;
  if (!row) throw new NotFoundError(`job ${jobId} has no attempt ${attempt}`, 'attempt');
  return row;
}

export function appendLog(ctx: CoreContext, jobId: number, attempt: number, seq: number, data: Buffer): { accepted: boolean; next_seq: number } {
  return ctx.tx(() => {
    const state = requireAttempt(ctx, jobId, attempt);
    if (seq < state.log_seq) return { accepted: false, next_seq: state.log_seq };
    if (seq > state.log_seq) throw new ConflictError(`log chunk ${seq} of job ${jobId} attempt ${attempt} arrived before chunk ${state.log_seq}`, 'seq');
    if (data.length > 0) {
      mkdirSync(logDir(ctx.dataDir, jobId), { recursive: true });
      // Not O_APPEND: Linux ignores the position of a write to a file opened for appending.
      const fd = openSync(logPath(ctx.dataDir, jobId, attempt), constants.O_WRONLY | constants.O_CREAT, 0o644);
      try {
        writeSync(fd, data, 0, data.length, state.log_bytes);
      } finally {
        closeSync(fd);
      }
    }
    ctx.sql('UPDATE attempts SET log_seq = log_seq + 1, log_bytes = log_bytes + ? WHERE job_id = ? AND attempt = ?').run(data.length, jobId, attempt);
    return { accepted: true, next_seq: seq + 1 };
  });
}

export function readLog(ctx: CoreContext, jobId: number, attempt: number, offset = 0, length = 1024 * 1024): LogRead {
  const state = requireAttempt(ctx, jobId, attempt);
  const start = Math.min(offset, state.log_bytes);
  const count = Math.max(0, Math.min(length, state.log_bytes - start));
  const data = Buffer.alloc(count);
  if (count > 0) {
    const fd = openSync(logPath(ctx.dataDir, jobId, attempt), 'r');
    try {
      let done = 0;
      while (done < count) {
        const n = readSync(fd, data, done, count - done, start + done);
        if (n === 0) break;
        done += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { data, next_offset: start + count, size: state.log_bytes, complete: state.finished_at !== null };
}
