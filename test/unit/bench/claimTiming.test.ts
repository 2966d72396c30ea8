import { describe, expect, it, vi } from 'vitest';
import { claimTiming, recordClaimParts } from '../../../bench/e2e/claimTiming';
import { FigureLog } from '../../../bench/lib/figures';

describe('the e2e claim probe’s breakdown', () => {
  it('cuts a round trip at the server’s dispatch and its reply, so the parts add up to it', () => {
    // Sent at 1000 ms, read back 12 ms later; the server took it at 1007 and spent 3 ms on it.
    const claim = claimTiming(1000, 12, 'pre;dur=0.50, handler;dur=2.00, app;dur=3.00, recv;desc=1007.000');
    expect(claim).toMatchObject({ beforeReadMs: 7, preMs: 0.5, handlerMs: 2, replyMs: 0.5, serverMs: 3, afterServerMs: 2 });
    expect(claim.beforeReadMs + claim.preMs + claim.handlerMs + claim.replyMs + claim.afterServerMs).toBeCloseTo(claim.roundTripMs);
  });

  it('leaves the parts a reply did not time unknown, not zero', () => {
    const claim = claimTiming(1000, 12, 'app;dur=3.00');
    expect(claim.serverMs).toBe(3);
    expect(claim.beforeReadMs).toBeNaN();
    expect(claim.handlerMs).toBeNaN();
  });

  it('says what the slowest 5% were made of and how many overlapped a submit', () => {
    const log = new FigureLog();
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    // 19 quick claims, and one that waited 90 ms before the server read it, while a submit was in flight.
    const quick = Array.from({ length: 19 }, (_, i) => claimTiming(i * 100, 2, `pre;dur=0.10, handler;dur=0.40, app;dur=0.50, recv;desc=${i * 100 + 1}`));
    const slow = claimTiming(5000, 100, 'pre;dur=0.10, handler;dur=0.40, app;dur=0.50, recv;desc=5090');
    recordClaimParts(log, [...quick, slow], [{ fromMs: 4990, toMs: 5095 }]);
    vi.restoreAllMocks();
    const figures = new Map(log.all().map((f) => [f.figure, f.value]));
    expect(figures.get('e2e.claim.slowest_5pct.claims')).toBe(1);
    expect(figures.get('e2e.claim.slowest_5pct.before_read_ms')).toBe(90);
    expect(figures.get('e2e.claim.slowest_5pct.during_submit_share')).toBe(1);
    expect(figures.get('e2e.claim.during_submit_share')).toBe(0.05);
    expect(figures.get('e2e.claim.before_read_p50_ms')).toBe(1);
  });
});
