import type { GantryClient, LogStreamName } from '../shared';

/** The most bytes one tail returns: enough for a stack trace, small enough for a model's context. */
export const MAX_TAIL_BYTES = 64 * 1024;

export interface LogTail {
  job_id: number;
  attempt: number;
  /** Bytes in the whole log (of the stream, when one was asked for). */
  size: number;
  /** Where the returned text starts; greater than 0 when earlier bytes were left out. */
  offset: number;
  complete: boolean;
  text: string;
}

// CSI and OSC escape sequences (colours, cursor moves, titles): a model reads the text, not the styling.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** What a terminal would end up showing: escapes removed, and of a line redrawn with \r (a progress bar) its last state. */
export function readableLogText(raw: string): string {
  return raw
    .replace(ESCAPES, '')
    .split('\n')
    .map((line) => {
      const parts = line.replace(/\r+$/, '').split('\r');
      return parts[parts.length - 1];
    })
    .join('\n');
}

/** The last `bytes` of the latest attempt's log (or of `attempt`), read with two range requests. */
export async function readLogTail(client: GantryClient, jobId: number, options: { bytes: number; attempt?: number; stream?: LogStreamName }): Promise<LogTail> {
  const attempt = options.attempt ?? (await client.call('getJob', { params: { id: jobId } })).attempt;
  if (attempt < 1) return { job_id: jobId, attempt: 0, size: 0, offset: 0, complete: false, text: '' };
  const params = { id: jobId, attempt };
  const probe = await client.request('readLog', { params, query: { offset: 0, length: 1, stream: options.stream } });
  await probe.arrayBuffer();
  const size = Number(probe.headers.get('x-log-size') ?? 0);
  const bytes = Math.min(Math.max(1, options.bytes), MAX_TAIL_BYTES);
  const offset = Math.max(0, size - bytes);
  const response = await client.request('readLog', { params, query: { offset, length: bytes, stream: options.stream } });
  // A cut may land inside a multi-byte character; the decoder shows it as one replacement mark.
  const text = readableLogText(new TextDecoder().decode(await response.arrayBuffer()));
  return { job_id: jobId, attempt, size, offset, complete: response.headers.get('x-log-complete') === 'true', text };
}
