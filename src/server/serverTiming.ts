/**
 * A reply's Server-Timing header: where the server's time on a request went, so a client can tell
 * it from the network and its own waits (bench/README.md, e2e.claim.*). Every reply carries
 * `app;dur=MS`, the time from the request's dispatch (its headers parsed) to the reply's headers.
 * A caller that proved a token also gets `recv;desc=MS`, the moment of that dispatch on the host's
 * monotonic clock (CLOCK_MONOTONIC, which every process of the host shares), so a client on the same
 * host can tell how long its request waited before the server read it; that clock counts from boot,
 * so it is not told to callers without a token. Replies of routes from the route table carry `pre`
 * and `handler` in front of those.
 */

/** Requests whose caller proved a token: their replies carry `recv`. */
const authenticatedRequests = new WeakSet<object>();

/** The request's caller proved a token: its reply may say when the server took it. */
export function timeDispatchFor(request: object): void {
  authenticatedRequests.add(request);
}

/**
 * `pre`, from the request's dispatch to its handler (the token check, reading and parsing the body),
 * and `handler`, the call itself (zod, the coordinator's transaction, a long-poll's wait).
 */
export function handlerTiming(handlerStartMs: number, handlerEndMs: number): string {
  return `pre;dur=${handlerStartMs.toFixed(2)}, handler;dur=${(handlerEndMs - handlerStartMs).toFixed(2)}`;
}

/** The header's final value: what the handler put there, then the whole time and, for a caller with a token, the dispatch's moment. */
export function withTotalTiming(handlerParts: unknown, elapsedMs: number, request: object): string {
  const app = `app;dur=${elapsedMs.toFixed(2)}`;
  const total = authenticatedRequests.has(request) ? `${app}, recv;desc=${(monotonicMs() - elapsedMs).toFixed(3)}` : app;
  return typeof handlerParts === 'string' && handlerParts !== '' ? `${handlerParts}, ${total}` : total;
}

/** CLOCK_MONOTONIC in ms (libuv's hrtime): comparable between processes of one host, unlike performance.now(). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
