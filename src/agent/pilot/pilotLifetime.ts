import type { AgentLogger } from '../logger';
import type { AgentState } from '../session/agentState';

/** When a pilot (an agent started as a Slurm job) leaves on its own. */
export interface PilotLifetime {
  /** Exit after this long with nothing to run; undefined: never. */
  idleExitMs?: number;
  /** When the pilot's wall time ends (epoch ms); undefined: no limit. */
  wallEndMs?: number;
  /** Stop claiming this long before the wall time ends, so what runs can finish. */
  windDownMs: number;
  /** Hand back what still runs this long before the wall time ends, and exit. */
  handBackMs: number;
  /** How often the pilot looks at the clock; default 1 s. */
  checkMs?: number;
  now?: () => number;
}

export interface PilotVerdict {
  /** Claim nothing more: the wall time nears its end. */
  winding: boolean;
  /** Leave now, and why; null: stay. */
  leave: 'idle' | 'wall_time' | null;
}

/** What a pilot should do at `at`, having last run something at `lastBusy`. */
export function pilotVerdict(lifetime: PilotLifetime, at: number, lastBusy: number, running: number): PilotVerdict {
  const left = lifetime.wallEndMs === undefined ? Infinity : lifetime.wallEndMs - at;
  const winding = left <= lifetime.windDownMs;
  if (left <= lifetime.handBackMs) return { winding, leave: 'wall_time' };
  const idle = lifetime.idleExitMs !== undefined && running === 0 && at - lastBusy >= lifetime.idleExitMs;
  return { winding, leave: idle ? 'idle' : null };
}

export interface PilotWatch {
  lifetime: PilotLifetime;
  /** Jobs the agent runs right now. */
  running: () => number;
  state: AgentState;
  /** A graceful stop: hands back what runs (its jobs re-queue without spending a retry) and deregisters. */
  stop: () => void;
  logger: AgentLogger;
}

/**
 * Ends a pilot before Slurm kills it: idle for the idle timeout, or near the end of its wall time,
 * where it first stops claiming (wind-down) and then hands back what it could not finish. A job
 * cut off by Slurm's SIGKILL would only come back after its lease expired; handed back, it is
 * queued again at once. Returns a function that stops watching.
 */
export function watchPilotLifetime(watch: PilotWatch): () => void {
  const { lifetime, state, logger } = watch;
  const now = lifetime.now ?? Date.now;
  let lastBusy = now();
  const check = (): void => {
    const at = now();
    const running = watch.running();
    if (running > 0) lastBusy = at;
    const verdict = pilotVerdict(lifetime, at, lastBusy, running);
    if (verdict.winding && !state.winding) {
      state.winding = true;
      logger.info('pilot wall time nears its end; claiming nothing more', { seconds_left: Math.round(((lifetime.wallEndMs ?? at) - at) / 1000) });
    }
    if (!verdict.leave) return;
    clearInterval(timer);
    logger.info(verdict.leave === 'idle' ? 'pilot idle; exiting' : 'pilot wall time nearly over; handing back what runs', { running });
    watch.stop();
  };
  const timer = setInterval(check, lifetime.checkMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
