import type { Coordinator } from '../../core';
import { GantryError, type RouteDef, type TokenScope } from '../../shared';
import type { Principal } from './principal';

/** Admin may do anything; other scopes only what the route lists, and an enrolment token only registers. */
export function checkScope(route: Pick<RouteDef, 'scopes' | 'enrol'>, principal: Principal): void {
  if (principal.scope === 'admin') return;
  if (!(route.scopes as readonly TokenScope[]).includes(principal.scope)) throw new GantryError('forbidden', `a ${principal.scope} token may not do this`);
  if (principal.scope === 'worker' && principal.worker_id === null && !route.enrol) {
    throw new GantryError('forbidden', 'an enrolment token may only register a worker; later calls need the worker credential that registering returned');
  }
}

/** A job token reaches only routes about its own job, i.e. whose `:id` is that job; once its attempt has ended, only to read. */
export function checkJobAccess(route: RouteDef, principal: Principal, params: unknown, body: unknown): void {
  if (principal.scope !== 'job') return;
  const id = (params as { id?: unknown } | undefined)?.id;
  if (!route.path.includes('/jobs/:id') || id !== principal.job_id) {
    throw new GantryError('forbidden', 'a job token may only touch its own job');
  }
  if (principal.read_only && route.method !== 'GET') throw new GantryError('forbidden', "this job token's attempt has ended; it may only read its job");
  const attempt = (body as { attempt?: unknown } | undefined)?.attempt;
  if (principal.attempt !== null && attempt !== undefined && attempt !== principal.attempt) {
    throw new GantryError('forbidden', `this job token belongs to attempt ${principal.attempt}`, 'attempt');
  }
}

/** Whether the worker holds (runs or ran) this attempt; undefined when the attempt does not exist, so the core answers 404. */
export function holdsAttempt(coordinator: Coordinator, workerId: string, jobId: number, attempt: number): boolean | undefined {
  const holder = coordinator.attemptHolder(jobId, attempt);
  return holder ? holder.worker_id === workerId : undefined;
}

/**
 * A worker credential acts for its own worker and the attempts that worker holds, nothing else.
 * Per-item checks of `results` happen in the batch handler, so one foreign item does not sink the rest.
 */
export function checkWorkerAccess(route: RouteDef, principal: Principal, params: unknown, body: unknown, coordinator: Coordinator): void {
  if (principal.worker_id === null || route.holds === undefined) return;
  if (route.holds === 'worker' && (params as { id: string }).id !== principal.worker_id) {
    throw new GantryError('forbidden', `this worker credential acts for worker ${principal.worker_id} only`);
  }
  if (route.holds === 'attempt') {
    const jobId = (params as { id: number }).id;
    const attempt = (body as { attempt: number }).attempt;
    if (holdsAttempt(coordinator, principal.worker_id, jobId, attempt) === false) {
      throw new GantryError('forbidden', `attempt ${attempt} of job ${jobId} is not held by worker ${principal.worker_id}`);
    }
  }
}
