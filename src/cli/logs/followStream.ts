import type { GantryClient, LogStreamName } from '../../shared';

/** How long `logs -f --stderr` waits before asking again when nothing new was written. */
const POLL_MS = 500;

/**
 * Follows one stream of an attempt's log until the attempt is complete, through the REST range
 * route with `?stream=`. The WebSocket follow carries the interleaved log; one stream alone has
 * its own offsets, which the range route serves directly.
 */
export async function followStream(
  client: GantryClient,
  target: { jobId: number; attempt: number; stream: LogStreamName },
  write: (data: Uint8Array) => Promise<void>,
): Promise<void> {
  let offset = 0;
  for (;;) {
    const response = await client.request('readLog', { params: { id: target.jobId, attempt: target.attempt }, query: { offset, stream: target.stream } });
    const data = new Uint8Array(await response.arrayBuffer());
    if (data.length > 0) await write(data);
    offset = Number(response.headers.get('x-next-offset') ?? offset + data.length);
    const size = Number(response.headers.get('x-log-size') ?? offset);
    if (response.headers.get('x-log-complete') === 'true' && offset >= size) return;
    if (data.length === 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
