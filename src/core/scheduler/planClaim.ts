/**
 * planClaim — which queued jobs a claim by this worker hands out, in claim order, and which job
 * (if any) holds the worker for itself. Reads only; claimJobs applies the plan, explain asks it
 * whether a given job would be handed out, so the two cannot disagree.
 *
 * The queue is merged from one lane per requirement shape (see queuedShapes): each step takes the
 * highest-ranked head among the lanes. A head that fits is allocated and its lane advances. A head
 * that does not fit closes its lane for this claim (capacity only shrinks while planning, so nothing
 * else of that shape fits either); if the worker could ever fit that shape and one of its jobs at or
 * after the head has waited `reserveAfterMs`, that job reserves the worker: nothing ranked after it
 * is handed out (README "How scheduling works"). Shapes the worker could never fit are skipped
 * whole and reserve nothing, so however large an unrunnable backlog is, it costs one probe.
 */
import type { CoreContext } from '../context';
import { suiteStanding } from '../suites/hookRuns';
import type { WorkerSpec } from '../workers/workerRows';
import { allocate, couldEverFit, type Allocation, type WorkerCapacity } from './capacity';
import { firstOldJob, headAfter, queuedShapes, ranksBefore, type QueuedHead, type Rank, type Shape } from './queuedShapes';

export interface ClaimPlan {
  chosen: Array<{ id: number; alloc: Allocation }>;
  /** The job that reserves this worker, ranked ahead of everything the plan stopped before. */
  reservedFor: Rank | null;
}

interface Lane {
  shape: Shape;
  head: QueuedHead;
  /** A suite this worker has set up: at equal priority its jobs go first, so its setup is reused. */
  preferred: boolean;
}

/**
 * Suites: a worker banned from a suite (its setup failed 3 times) skips the suite's shapes; shapes of
 * suites it has set up are preferred. Read only when some queued shape belongs to a suite.
 */
function openLanes(ctx: CoreContext, worker: WorkerSpec): Lane[] {
  const lanes: Lane[] = [];
  const shapes = queuedShapes(ctx);
  const standing = shapes.some((shape) => shape.suite !== null) ? suiteStanding(ctx, worker.id) : null;
  for (const shape of shapes) {
    if (shape.suite !== null && standing?.banned.has(shape.suite)) continue;
    if (!couldEverFit(worker, shape.requirements)) continue;
    const head = headAfter(ctx, shape.id, null);
    if (head) lanes.push({ shape, head, preferred: shape.suite !== null && (standing?.setUp.has(shape.suite) ?? false) });
  }
  return lanes;
}

function laneBefore(a: Lane, b: Lane): boolean {
  if (a.head.priority !== b.head.priority || a.preferred === b.preferred) return ranksBefore(a.head, b.head);
  return a.preferred;
}

function bestLane(lanes: Lane[]): number {
  let best = 0;
  for (let i = 1; i < lanes.length; i++) if (laneBefore(lanes[i], lanes[best])) best = i;
  return best;
}

/**
 * `max`: how many jobs to hand out. `until`: stop once this job is chosen (explain's question).
 * `capacity` is consumed as jobs are chosen.
 */
export function planClaim(ctx: CoreContext, worker: WorkerSpec, capacity: WorkerCapacity, max: number, until?: number): ClaimPlan {
  const queuedBy = ctx.now() - ctx.settings.reserveAfterMs;
  const lanes = openLanes(ctx, worker);
  const plan: ClaimPlan = { chosen: [], reservedFor: null };
  while (plan.chosen.length < max && lanes.length > 0) {
    const index = bestLane(lanes);
    const lane = lanes[index];
    if (plan.reservedFor && !ranksBefore(lane.head, plan.reservedFor)) break;
    const alloc = allocate(capacity, lane.shape.requirements);
    if (alloc) {
      plan.chosen.push({ id: lane.head.id, alloc });
      // A full plan needs no next head: at one job per claim that probe was one of the claim's eleven statements (~1.8 µs).
      if (lane.head.id === until || plan.chosen.length === max) break;
      const next = headAfter(ctx, lane.shape.id, lane.head);
      if (next) lane.head = next;
      else lanes.splice(index, 1);
    } else {
      const old = firstOldJob(ctx, lane.shape.id, lane.head, queuedBy);
      if (old && (!plan.reservedFor || ranksBefore(old, plan.reservedFor))) plan.reservedFor = old;
      lanes.splice(index, 1);
    }
  }
  return plan;
}
