import type { GantryClient, LogStreamName } from '../../shared';

/**
 * Reads an attempt's log from `offset` to its current end through the REST range route,
 * handing each chunk to `write` as raw bytes. Returns the offset just past what was read.
 * With `stream`, only that stream's bytes, and offsets count them alone.
 */
export async function readLogRange(
  client: GantryClient,
  target: { jobId: number; attempt: number; offset: number; stream?: LogStreamName },
  write: (data: Uint8Array) => Promise<void>,
): Promise<number> {
  let offset = target.offset;
  for (;;) {
    const response = await client.request('readLog', { params: { id: target.jobId, attempt: target.attempt }, query: { offset, stream: target.stream } });
    const data = new Uint8Array(await response.arrayBuffer());
    if (data.length > 0) await write(data);
    const next = Number(response.headers.get('x-next-offset') ?? offset + data.length);
    const size = Number(response.headers.get('x-log-size') ?? next);
    // A server that ignores the offset would loop forever; stop when nothing advanced.
    if (data.length === 0 || next <= offset || next >= size) return Math.max(next, offset);
    offset = next;
  }
}
