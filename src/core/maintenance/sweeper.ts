/**
 * The sweep: the coordinator's periodic upkeep, in named steps run in one transaction:
 * release retry delays that ran out, expire leases, mark silent workers offline, preempt for
 * waiting jobs (issue 21), prune old events.
 *
 * Pause detection: before each sweep the sweeper compares the time since its previous tick with the
 * interval it asked for. A tick that comes much later means this process did not run in between
 * (laptop suspended, SIGSTOP, VM paused, event loop blocked): agents kept working but could not
 * renew their leases, so leases and worker last-seen times are extended by the missed time before
 * anything expires. One clock (the injected `now`) measures both, so tests drive it directly.
 */
import type { CoreContext } from '../context';
import { expireLeases } from '../queue/transitions/expireLeases';
import { extendLeasesForPause } from '../queue/transitions/extendLeases';
import { preemptForWaitingJobs } from '../queue/transitions/preemptJobs';
import { releaseDueRetries } from '../queue/transitions/releaseDueRetries';
import { pruneEvents } from '../store/pruneEvents';
import { pruneAuthLog } from '../tokens/authLog';
import { markWorkerOffline } from '../workers/registerWorker';

export interface Sweeper {
  /** Runs the sweep now; returns how many attempts were lost. */
  sweep(): number;
  /** The host says it woke from sleep (Electron's powerMonitor): check for a pause and sweep now. */
  resumed(): void;
  stop(): void;
}

function markSilentWorkersOffline(ctx: CoreContext): void {
  const stale = ctx.sql("SELECT id FROM workers WHERE state <> 'offline' AND last_seen_at < ?").all(ctx.now() - ctx.settings.workerTimeoutMs) as Array<{ id: string }>;
  for (const w of stale) markWorkerOffline(ctx, w.id, 'no heartbeat');
}

export function sweepOnce(ctx: CoreContext): number {
  return ctx.tx(() => {
    releaseDueRetries(ctx);
    const lost = expireLeases(ctx);
    markSilentWorkersOffline(ctx);
    preemptForWaitingJobs(ctx);
    pruneEvents(ctx);
    pruneAuthLog(ctx);
    return lost;
  });
}

/**
 * How long the process was away, judged from a tick that came `sinceLastTick` after the previous
 * one when `intervalMs` was asked for. Lateness up to one interval is ordinary timer jitter and load.
 * A pause counts the whole time since the previous tick, not just the lateness: the pause may have
 * begun right after that tick, and beats that came in before it could not be followed by the ones
 * due during the pause. Those are read only after this tick (on waking, libuv runs overdue timers
 * before it reads sockets), so a lease renewed just before the previous tick would otherwise expire
 * here with its worker's beat already waiting (coordinatorPause.test.ts). The cost: a lease that
 * truly ran out in that last interval expires one interval later.
 */
export function missedTime(sinceLastTick: number, intervalMs: number): number {
  const late = sinceLastTick - intervalMs;
  return late > intervalMs ? sinceLastTick : 0;
}

/**
 * `intervalMs` null: no timer and no pause detection (tests call `sweep` by hand).
 * `upkeep`: steps of other modules run after each sweep, each deciding itself whether it is due (idle GPU detection).
 */
export function startSweeper(ctx: CoreContext, intervalMs: number | null, upkeep: ReadonlyArray<() => void> = []): Sweeper {
  let lastTickAt = ctx.now();
  const tick = (): number => {
    const now = ctx.now();
    if (intervalMs !== null) extendLeasesForPause(ctx, missedTime(now - lastTickAt, intervalMs));
    lastTickAt = now;
    const lost = sweepOnce(ctx);
    for (const step of upkeep) step();
    return lost;
  };
  const timer = intervalMs === null ? null : setInterval(tick, intervalMs);
  timer?.unref();
  return {
    sweep: tick,
    resumed: () => void tick(),
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
