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

/** "#3, #4 and 2 more" */
function jobList(attempts: RunningAttempt[]): string {
  const ids = attempts.map((a) => `#${a.jobId}`);
  return ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

const isAre = (attempts: RunningAttempt[]): string => (attempts.length === 1 ? 'is' : 'are');

function waitText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

/**
 * Why chooseVictims finds no plan for a job that waits for room, in words ("no preemption: #12 is not
 * preemptible; #15 has equal priority (5)"), or null when a plan exists or no job running there is
 * preemptible (preemption is not in use there: saying so on every busy job would be noise).
 */
export function whyNoPreemption(job: WaitingJob, workers: PreemptionWorker[], now: number): string | null {
  if (chooseVictims(job, workers, now)) return null;
  const running = workers.flatMap((w) => w.running.filter((r) => !r.preempting));
  if (!running.some((r) => r.preemptible)) return null;
  const notPreemptible = running.filter((r) => !r.preemptible);
  const preemptible = running.filter((r) => r.preemptible);
  const equal = preemptible.filter((r) => r.priority === job.priority);
  const higher = preemptible.filter((r) => r.priority > job.priority);
  const lower = preemptible.filter((r) => r.priority < job.priority);
  const young = lower.filter((r) => now - r.startedAt < r.minRuntimeS * 1000);
  if (lower.length > young.length) return 'no preemption: stopping the lower-priority preemptible jobs on any one worker would still not make room for it';
  const parts: string[] = [];
  if (notPreemptible.length > 0) parts.push(`${jobList(notPreemptible)} ${isAre(notPreemptible)} not preemptible`);
  if (equal.length > 0) parts.push(`${jobList(equal)} ${equal.length === 1 ? 'has' : 'have'} equal priority (${job.priority}); only strictly lower priority is preempted`);
  if (higher.length > 0) parts.push(`${jobList(higher)} ${higher.length === 1 ? 'has' : 'have'} higher priority`);
  if (young.length > 0) {
    const soonest = Math.min(...young.map((r) => r.startedAt + r.minRuntimeS * 1000 - now));
    parts.push(`${jobList(young)} ${isAre(young)} within ${young.length === 1 ? 'its' : 'their'} minimum runtime (preemptible in ${waitText(soonest)})`);
  }
  return `no preemption: ${parts.join('; ')}`;
}
