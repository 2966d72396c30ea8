import type { FigureLog } from '../lib/figures';
import { percentile } from '../lib/stats';

/**
 * One probe claim's round trip cut into the parts its ends can see. The server's Server-Timing
 * header (src/server/serverTiming.ts) says when it dispatched the request on the host's monotonic
 * clock, which the probe shares, and how long it spent before the handler, in it and in all:
 *
 *   sent ── beforeRead ──▶ dispatched ── pre ──▶ handler ──▶ … app … ──▶ reply's headers ── afterServer ──▶ read
 *
 * - `beforeReadMs`: from the probe's send to the server parsing the request: loopback, and the server
 *   busy with other work of its event loop or waiting for a core;
 * - `preMs`: the token check and reading the body; `handlerMs`: zod, the claim's transaction, the job
 *   tokens; `replyMs`: the rest of `app` (serializing, the hooks until the headers);
 * - `afterServerMs`: from the reply's headers to the probe having read the body: the socket write, and
 *   the probe's own process waiting for a core and parsing.
 * Parts the header did not carry are NaN.
 */
export interface ClaimTiming {
  roundTripMs: number;
  /** When the probe sent the request, CLOCK_MONOTONIC in ms: to place the claim against the run's submits. */
  sentAtMs: number;
  beforeReadMs: number;
  preMs: number;
  handlerMs: number;
  replyMs: number;
  serverMs: number;
  afterServerMs: number;
}

const PART = /(\w+);(dur|desc)=([\d.]+)/g;

/** The named numbers of a Server-Timing header (`name;dur=N` or `name;desc=N`). */
function timingParts(header: string | null): Map<string, number> {
  const parts = new Map<string, number>();
  for (const [, name, , value] of (header ?? '').matchAll(PART)) parts.set(name, Number(value));
  return parts;
}

/** A claim's parts from its send time and round trip (monotonic ms, as `monotonicMs()` reads) and the reply's Server-Timing. */
export function claimTiming(sentAtMs: number, roundTripMs: number, serverTiming: string | null): ClaimTiming {
  const parts = timingParts(serverTiming);
  const get = (name: string): number => parts.get(name) ?? Number.NaN;
  const serverMs = get('app');
  const beforeReadMs = get('recv') - sentAtMs;
  return {
    roundTripMs,
    sentAtMs,
    beforeReadMs,
    preMs: get('pre'),
    handlerMs: get('handler'),
    replyMs: serverMs - get('pre') - get('handler'),
    serverMs,
    afterServerMs: roundTripMs - beforeReadMs - serverMs,
  };
}

/** CLOCK_MONOTONIC in ms, the clock the server's `recv` is on. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A span of the run on the monotonic clock (a submit request in flight). */
export interface Window {
  fromMs: number;
  toMs: number;
}

const PARTS = ['beforeReadMs', 'preMs', 'handlerMs', 'replyMs', 'afterServerMs'] as const;
const FIGURE_NAMES: Record<(typeof PARTS)[number], string> = {
  beforeReadMs: 'before_read',
  preMs: 'pre_handler',
  handlerMs: 'handler',
  replyMs: 'reply',
  afterServerMs: 'after_server',
};

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const overlaps = (claim: ClaimTiming, window: Window): boolean => claim.sentAtMs <= window.toMs && claim.sentAtMs + claim.roundTripMs >= window.fromMs;

/**
 * `e2e.claim.<part>_p50_ms|p95_ms` for each part over every claim, then what the slowest 5% of claims
 * (by round trip, the p95's side of the distribution) were made of: `e2e.claim.slowest_5pct.<part>_ms`, the mean of each
 * part over them (the parts add up to their mean round trip, `e2e.claim.slowest_5pct.round_trip_ms`),
 * and `e2e.claim.slowest_5pct.during_submit_share`, the share of them that overlapped a submit request
 * (5,000 jobs in one transaction and one reply), against `e2e.claim.during_submit_share` for all claims.
 */
export function recordClaimParts(log: FigureLog, claims: ClaimTiming[], submits: Window[]): void {
  const timed = claims.filter((c) => PARTS.every((part) => !Number.isNaN(c[part])));
  if (timed.length === 0) return;
  for (const part of PARTS) {
    const values = timed.map((c) => c[part]);
    log.record(`e2e.claim.${FIGURE_NAMES[part]}_p50_ms`, percentile(values, 50), 'ms');
    log.record(`e2e.claim.${FIGURE_NAMES[part]}_p95_ms`, percentile(values, 95), 'ms');
  }
  const slowest = [...timed].sort((a, b) => b.roundTripMs - a.roundTripMs).slice(0, Math.ceil(timed.length / 20));
  log.record('e2e.claim.slowest_5pct.claims', slowest.length, 'claims');
  log.record('e2e.claim.slowest_5pct.round_trip_ms', mean(slowest.map((c) => c.roundTripMs)), 'ms');
  for (const part of PARTS) log.record(`e2e.claim.slowest_5pct.${FIGURE_NAMES[part]}_ms`, mean(slowest.map((c) => c[part])), 'ms');
  const duringSubmit = (set: ClaimTiming[]): number => set.filter((c) => submits.some((w) => overlaps(c, w))).length / set.length;
  log.record('e2e.claim.slowest_5pct.during_submit_share', duringSubmit(slowest), 'share');
  log.record('e2e.claim.during_submit_share', duringSubmit(timed), 'share');
}
