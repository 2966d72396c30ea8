/**
 * Attempt logs: one file per attempt under <dataDir>/logs/<job>/<attempt>.log.
 * Chunks carry consecutive sequence numbers; each is written at the byte offset the database
 * records, so a chunk re-sent after a crash overwrites itself instead of appearing twice, and
 * bytes past the recorded size (a write the database never committed) are never served.
 */
import { closeSync, constants, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError, type LogStreamName } from '../../shared';
import type { LogRead } from '../api';
import type { CoreContext } from '../context';
import { recordStream, stderrRanges, streamRanges, windowOfStream, type ByteRange } from './logStreams';

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

export function appendLog(ctx: CoreContext, jobId: number, attempt: number, seq: number, data: Buffer, stream: LogStreamName = 'stdout'): { accepted: boolean; next_seq: number } {
  return ctx.tx(() => {
    const state = requireAttempt(ctx, jobId, attempt);
    if (seq < state.log_seq) return { accepted: false, next_seq: state.log_seq };
    if (seq > state.log_seq) throw new ConflictError(`log chunk ${seq} of job ${jobId} attempt ${attempt} arrived before chunk ${state.log_seq}`, 'seq');
    if (data.length > 0) {
      mkdirSync(logDir(ctx.dataDir, jobId), { recursive: true });
      // Not O_APPEND: Linux ignores the position of a write to a file opened for appending.
      const fd = openSync(logPath(ctx.dataDir, jobId, attempt), constants.O_WRONLY | constants.O_CREAT, 0o600);
      try {
        writeSync(fd, data, 0, data.length, state.log_bytes);
      } finally {
        closeSync(fd);
      }
    }
    recordStream(ctx, jobId, attempt, state.log_bytes, data.length, stream);
    ctx.sql('UPDATE attempts SET log_seq = log_seq + 1, log_bytes = log_bytes + ? WHERE job_id = ? AND attempt = ?').run(data.length, jobId, attempt);
    return { accepted: true, next_seq: seq + 1 };
  });
}

/** Reads the given ranges of an attempt's log file into one buffer. */
function readRanges(ctx: CoreContext, jobId: number, attempt: number, ranges: ByteRange[]): Buffer {
  const total = ranges.reduce((sum, [start, end]) => sum + end - start, 0);
  const data = Buffer.alloc(total);
  if (total === 0) return data;
  const fd = openSync(logPath(ctx.dataDir, jobId, attempt), 'r');
  try {
    let done = 0;
    for (const [start, end] of ranges) {
      for (let at = start; at < end; ) {
        const n = readSync(fd, data, done, end - at, at);
        if (n === 0) return data.subarray(0, done);
        done += n;
        at += n;
      }
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

/**
 * A window of the log: of the interleaved file, or of one stream's bytes alone (offsets and size
 * then count that stream's bytes only). Interleaved reads say which of their bytes were stderr.
 */
export function readLog(ctx: CoreContext, jobId: number, attempt: number, offset = 0, length = 1024 * 1024, stream?: LogStreamName): LogRead {
  const state = requireAttempt(ctx, jobId, attempt);
  const complete = state.finished_at !== null;
  if (stream) {
    const window = windowOfStream(streamRanges(ctx, jobId, attempt, state.log_bytes, stream), offset, length);
    const data = readRanges(ctx, jobId, attempt, window.ranges);
    return { data, next_offset: Math.min(offset, window.size) + data.length, size: window.size, complete, stderr: [] };
  }
  const start = Math.min(offset, state.log_bytes);
  const end = start + Math.max(0, Math.min(length, state.log_bytes - start));
  const data = readRanges(ctx, jobId, attempt, [[start, end]]);
  return { data, next_offset: start + data.length, size: state.log_bytes, complete, stderr: stderrRanges(ctx, jobId, attempt, start, start + data.length) };
}
