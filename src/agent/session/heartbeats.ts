import type { HeartbeatReply } from '../../shared';
import { driverView } from '../capacity';
import type { GpuTelemetry } from '../gpu/gpuTelemetry';
import type { AgentLogger } from '../logger';
import type { CheckpointDirs } from '../state/checkpointDirs';
import type { Deliverer } from '../spool/deliverer';
import type { CoordinatorLink } from '../transport/coordinatorLink';
import type { AgentState } from './agentState';
import type { RunningJobs } from './runningJobs';
import { forgotten, type WorkerSession } from './workerSession';

/** Beats come at least this far apart, however short the lease. */
const MIN_INTERVAL_MS = 100;

/**
 * The configured interval, shortened to a third of the lease the coordinator announces: a
 * coordinator with short leases (tests, flaky links) needs beats well inside the TTL, and a third
 * leaves room for two lost beats before a running job's lease expires.
 */
export function heartbeatIntervalMs(configuredMs: number, leaseTtlS: number): number {
  return Math.min(configuredMs, Math.max(MIN_INTERVAL_MS, (leaseTtlS * 1000) / 3));
}

export interface HeartbeatsOptions {
  link: CoordinatorLink;
  session: WorkerSession;
  telemetry: GpuTelemetry;
  deliverer: Deliverer;
  runs: RunningJobs;
  checkpoints: CheckpointDirs;
  state: AgentState;
  configuredMs: number;
  logger: AgentLogger;
  /** An admin asked this worker to stop. */
  onStopRequested: () => void;
  /** The coordinator cancelled an attempt this worker holds, running or not yet started. */
  cancel: (jobId: number, attempt: number) => void;
}

/** Beats to the coordinator: renews leases, sends GPU telemetry, and acts on the reply (cancel, drain, stop, register again). */
export class Heartbeats {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private beating = false;
  /** The last beat failed: the coordinator (or the tunnel to it) was out of reach. */
  private failing = false;
  private interval: number;

  constructor(private readonly options: HeartbeatsOptions) {
    this.interval = options.configuredMs;
  }

  /** The interval in force: the configured one until the first reply, then bounded by the lease. */
  get intervalMs(): number {
    return this.interval;
  }

  /** The first beat goes out at once: it learns the lease TTL and brings the first GPU samples. */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Beats now rather than at the interval (news waits, such as a preemption); a beat under way already carries it. */
  beatNow(): void {
    if (!this.running || this.beating) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.beating = true;
      void this.beat().finally(() => {
        this.beating = false;
        if (this.running) this.schedule(this.interval);
      });
    }, delay);
  }

  private async beat(): Promise<void> {
    const { link, session, telemetry, state, logger } = this.options;
    try {
      const reply = await link.checked('heartbeat', {
        params: { id: session.id },
        body: {
          free: driverView(telemetry.driverFreeMb),
          gpu_samples: telemetry.samples,
          job_gpu_usage: telemetry.usage,
          agent_time: Date.now(),
          checkpoint_jobs: this.options.checkpoints.jobIds(),
        },
      });
      this.interval = heartbeatIntervalMs(this.options.configuredMs, reply.lease_ttl_s);
      // Back after an outage (a tunnel re-opened): the claim loop need not wait out its backoff, up to 30 s.
      if (this.failing) state.wakeup.notify();
      this.failing = false;
      await this.act(reply);
    } catch (error) {
      this.failing = true;
      if (forgotten(error) && !state.stopping) await session.reregister();
      else logger.warn('heartbeat failed', { error: String(error) });
    }
  }

  private async act(reply: HeartbeatReply): Promise<void> {
    const { deliverer, runs, state, session, logger } = this.options;
    // The coordinator answers again: what waits in the spool need not wait out its backoff.
    if (deliverer.pending > 0) deliverer.nudge();
    for (const { job_id, attempt } of reply.cancel) this.options.cancel(job_id, attempt);
    for (const p of reply.preempt) runs.get(p.job_id, p.attempt)?.preempt(p.signal, p.grace_s);
    // A job retried and claimed again since the beat left runs here now: its directory stays.
    for (const jobId of reply.drop_checkpoints) if (!runs.runsJob(jobId)) this.options.checkpoints.remove(jobId);
    if (reply.stop && !state.stopping) {
      logger.info('an admin asked this worker to stop; handing its jobs back');
      this.options.onStopRequested();
      return;
    }
    if (reply.state === 'offline' && !state.stopping) await session.reregister();
    const wasDraining = state.draining;
    state.draining = reply.state === 'draining';
    if (wasDraining && !state.draining) state.wakeup.notify();
  }
}
