/**
 * chooseVictims — which running attempts to preempt so that one waiting job fits (issue 21). Pure:
 * the caller reads workers and attempts, this decides.
 *
 * Rules: victims are preemptible, of strictly lower priority than the waiting job, have run at least
 * their min_runtime_s, and are not already being preempted; all victims are on ONE worker, and only
 * when stopping them makes the job fit there (a job that would still not fit preempts nothing).
 * Cheapest first: least run time lost, then lowest priority, then newest job. Among workers, the one
 * whose victims lose the least run time in total wins (then fewer victims, then worker id).
 */
import type { GpuDevice, Requirements } from '../../shared';
import { allocate, freeCapacity, type Allocation } from './capacity';

export interface RunningAttempt {
  jobId: number;
  attempt: number;
  priority: number;
  preemptible: boolean;
  startedAt: number;
  minRuntimeS: number;
  /** Already told to checkpoint and stop: its room is on its way, it is no one's victim twice. */
  preempting: boolean;
  alloc: Allocation;
}

export interface PreemptionWorker {
  id: string;
  cpus: number;
  memory_mb: number;
  gpus: GpuDevice[];
  tags: string[];
  gpuFree: Record<string, number>;
  running: RunningAttempt[];
}

export interface WaitingJob {
  id: number;
  priority: number;
  requirements: Requirements;
}

export interface PreemptionPlan {
  workerId: string;
  victims: RunningAttempt[];
  /** Milliseconds of run time the victims lose, together. */
  lostMs: number;
}

function cheaperVictim(a: RunningAttempt, b: RunningAttempt): number {
  return b.startedAt - a.startedAt || a.priority - b.priority || b.jobId - a.jobId;
}

function fitsWithout(worker: PreemptionWorker, job: WaitingJob, gone: Set<RunningAttempt>): boolean {
  // The driver's free-memory figure counts the victims' memory as used, so it is ignored here: once
  // they exit, the books (our attempts) are what frees up.
  const staying = worker.running.filter((r) => !gone.has(r)).map((r) => r.alloc);
  return allocate(freeCapacity({ ...worker, gpuFree: {} }, staying), job.requirements) !== null;
}

function planOnWorker(worker: PreemptionWorker, job: WaitingJob, now: number): PreemptionPlan | null {
  const candidates = worker.running
    .filter((r) => r.preemptible && !r.preempting && r.priority < job.priority && now - r.startedAt >= r.minRuntimeS * 1000)
    .sort(cheaperVictim);
  const gone = new Set(worker.running.filter((r) => r.preempting));
  const victims: RunningAttempt[] = [];
  for (const candidate of candidates) {
    if (fitsWithout(worker, job, gone)) break;
    gone.add(candidate);
    victims.push(candidate);
  }
  if (victims.length === 0 || !fitsWithout(worker, job, gone)) return null;
  // Greedy order may have taken a victim a later, larger one made unnecessary: spare those.
  for (const victim of [...victims].reverse()) {
    gone.delete(victim);
    if (fitsWithout(worker, job, gone)) victims.splice(victims.indexOf(victim), 1);
    else gone.add(victim);
  }
  return { workerId: worker.id, victims, lostMs: victims.reduce((sum, v) => sum + (now - v.startedAt), 0) };
}

export function chooseVictims(job: WaitingJob, workers: PreemptionWorker[], now: number): PreemptionPlan | null {
  let best: PreemptionPlan | null = null;
  for (const worker of workers) {
    const plan = planOnWorker(worker, job, now);
    if (!plan) continue;
    if (!best || plan.lostMs < best.lostMs || (plan.lostMs === best.lostMs && (plan.victims.length < best.victims.length || (plan.victims.length === best.victims.length && plan.workerId < best.workerId)))) best = plan;
  }
  return best;
}
