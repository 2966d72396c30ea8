import type { Capacity } from '../capacity';
import { driverView } from '../capacity';
import type { GpuTelemetry } from '../gpu/gpuTelemetry';
import type { AgentLogger } from '../logger';
import type { PrefetchBuffer } from '../prefetch/prefetchBuffer';
import { backoffDelay, type BackoffOptions } from '../spool/backoff';
import type { Outbox } from '../spool/outboxItem';
import { CoordinatorReplyError, type CoordinatorLink } from '../transport/coordinatorLink';
import type { AgentState } from './agentState';
import type { RunningJobs } from './runningJobs';
import { forgotten, type WorkerSession } from './workerSession';

/** The claim long-poll may wait this much longer than it asked the coordinator to, before the agent gives up on it. */
const CLAIM_SLACK_MS = 15_000;

export interface ClaimLoopOptions {
  link: CoordinatorLink;
  session: WorkerSession;
  capacity: Capacity;
  telemetry: GpuTelemetry;
  runs: RunningJobs;
  outbox: Outbox;
  state: AgentState;
  /** How long one long-poll waits on the coordinator for a job. */
  claimWaitMs: number;
  /** How long to sleep while draining or full, unless woken first. */
  idleMs: number;
  retry?: BackoffOptions;
  logger: AgentLogger;
  /** The coordinator has news for the next heartbeat (a preemption): send it now. */
  beatNow: () => void;
  /** `--prefetch N`: jobs claimed beyond the free slots wait here and start as slots free. */
  prefetch?: PrefetchBuffer;
}

/**
 * Claims work while the agent has free slots and is neither draining nor stopping; a claim that
 * fails backs off, and one refused because the coordinator forgot this worker registers again.
 * Resolves once the agent is stopping.
 */
export async function runClaimLoop(options: ClaimLoopOptions): Promise<void> {
  const { link, session, capacity, telemetry, runs, state, claimWaitMs, logger, prefetch } = options;
  let failures = 0;
  while (!state.stopping) {
    const wanted = capacity.slots + (prefetch?.room ?? 0);
    if (state.draining || state.winding || wanted === 0) {
      await state.wakeup.wait(options.idleMs);
      continue;
    }
    try {
      const { jobs, heartbeat_now: news } = await link.checked(
        'claim',
        { params: { id: session.id }, body: { max: Math.min(wanted, 1000), free: driverView(telemetry.driverFreeMb), wait_ms: claimWaitMs } },
        claimWaitMs + CLAIM_SLACK_MS,
      );
      failures = 0;
      if (state.stopping) break;
      for (const claimed of jobs) {
        if (capacity.slots > 0 || !prefetch) runs.start(claimed);
        else prefetch.push(claimed);
      }
      if (news) options.beatNow();
    } catch (error) {
      if (state.stopping) break;
      if (error instanceof CoordinatorReplyError) failUnreadableClaims(error.reply, error.message, options.outbox);
      if (forgotten(error)) {
        await session.reregister();
        continue;
      }
      failures++;
      const delay = backoffDelay(failures, options.retry);
      logger.warn('claim failed; will retry', { delay_ms: Math.round(delay), error: String(error) });
      await state.wakeup.wait(delay);
    }
  }
}

/**
 * A claim reply that does not match the protocol may still have started attempts at the
 * coordinator, and heartbeats would renew their leases forever. Whatever job and attempt numbers
 * can be read from it are reported failed, with the reason, so they do not sit in limbo.
 */
export function failUnreadableClaims(reply: unknown, reason: string, outbox: Outbox): void {
  const jobs = (reply as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) return;
  for (const entry of jobs as Array<{ job?: { id?: unknown }; attempt?: unknown } | null>) {
    const jobId = entry?.job?.id;
    const attempt = entry?.attempt;
    if (!Number.isInteger(jobId) || !Number.isInteger(attempt)) continue;
    outbox.push({ kind: 'finish', job_id: jobId as number, attempt: attempt as number, outcome: 'failed', exit_code: null, error: `the worker could not read its claim: ${reason}` });
  }
}
