import type { NextJobs } from '../finishBatcher';
import { driverView, type Capacity } from '../capacity';
import type { GpuTelemetry } from '../gpu/gpuTelemetry';
import type { Outbox } from '../spool/outboxItem';
import type { AgentState } from './agentState';
import { failUnreadableClaims } from './claimLoop';
import { attemptKey, type RunningJobs } from './runningJobs';

/**
 * Finish-and-claim for this agent: results claim as many jobs as they free slots (attempts whose
 * slot is still held: a result an earlier run left in the spool frees nothing), with the driver's
 * view of GPU memory the claim loop also sends. Nothing is claimed while draining, stopping or winding down (a pilot near its wall time).
 */
export function nextJobsWithResults(deps: { capacity: Capacity; runs: RunningJobs; telemetry: GpuTelemetry; state: AgentState; outbox: Outbox }): NextJobs {
  return {
    claimFor(items) {
      if (deps.state.stopping || deps.state.draining || deps.state.winding) return null;
      const freed = items.filter((item) => deps.capacity.holds(attemptKey(item.job_id, item.attempt))).length;
      return freed > 0 ? { max: freed, free: driverView(deps.telemetry.driverFreeMb) } : null;
    },
    start(jobs) {
      // As the claim loop does: a job claimed while stopping is not started, and its lease runs out.
      if (deps.state.stopping) return;
      for (const claimed of jobs) deps.runs.start(claimed);
    },
    unreadable(reply, reason) {
      failUnreadableClaims(reply, reason, deps.outbox);
    },
  };
}
