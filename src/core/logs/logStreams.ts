/**
 * The stream of each byte of an attempt's log. The log file keeps stdout and stderr interleaved
 * as the job wrote them (the terminal view); `log_stderr_ranges` says which ranges were stderr,
 * and everything else is stdout, which is also what logs from agents without streams were.
 */
import type { LogStreamName } from '../../shared';
import type { CoreContext } from '../context';

/** A byte range [start, end) of the log file. */
export type ByteRange = [start: number, end: number];

/** Notes that `length` bytes written at `start` came from `stream`; runs inside appendLog's transaction. */
export function recordStream(ctx: CoreContext, jobId: number, attempt: number, start: number, length: number, stream: LogStreamName): void {
  if (stream !== 'stderr' || length === 0) return;
  const extended = ctx.sql('UPDATE log_stderr_ranges SET length = length + ? WHERE job_id = ? AND attempt = ? AND start + length = ?').run(length, jobId, attempt, start);
  if (extended.changes === 0) ctx.sql('INSERT INTO log_stderr_ranges (job_id, attempt, start, length) VALUES (?, ?, ?, ?)').run(jobId, attempt, start, length);
}

/** The stderr ranges of an attempt that overlap [from, to), clipped to it. */
export function stderrRanges(ctx: CoreContext, jobId: number, attempt: number, from: number, to: number): ByteRange[] {
  const rows = ctx
    .sql('SELECT start, start + length AS end FROM log_stderr_ranges WHERE job_id = ? AND attempt = ? AND start < ? AND start + length > ? ORDER BY start')
    .all(jobId, attempt, to, from) as Array<{ start: number; end: number }>;
  return rows.map(({ start, end }) => [Math.max(start, from), Math.min(end, to)]);
}

/** The ranges of the log file, up to `size`, that hold `stream`'s bytes, in order. */
export function streamRanges(ctx: CoreContext, jobId: number, attempt: number, size: number, stream: LogStreamName): ByteRange[] {
  const stderr = stderrRanges(ctx, jobId, attempt, 0, size);
  if (stream === 'stderr') return stderr;
  const stdout: ByteRange[] = [];
  let at = 0;
  for (const [start, end] of stderr) {
    if (start > at) stdout.push([at, start]);
    at = end;
  }
  if (at < size) stdout.push([at, size]);
  return stdout;
}

/**
 * Maps a window [offset, offset + length) of one stream's bytes (as if that stream were a file of
 * its own) onto ranges of the log file. Returns those ranges and the stream's total size.
 */
export function windowOfStream(ranges: ByteRange[], offset: number, length: number): { ranges: ByteRange[]; size: number } {
  const picked: ByteRange[] = [];
  let size = 0;
  let want = length;
  for (const [start, end] of ranges) {
    const span = end - start;
    const skip = Math.max(0, Math.min(span, offset - size));
    const take = Math.min(span - skip, want);
    if (take > 0) {
      picked.push([start + skip, start + skip + take]);
      want -= take;
    }
    size += span;
  }
  return { ranges: picked, size };
}
