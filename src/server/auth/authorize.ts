import { GantryError, type RouteDef, type TokenScope } from '../../shared';
import type { Principal } from './principal';

/** Admin may do anything; other scopes only what the route lists. */
export function checkScope(allowed: readonly TokenScope[], principal: Principal): void {
  if (principal.scope === 'admin' || allowed.includes(principal.scope)) return;
  throw new GantryError('forbidden', `a ${principal.scope} token may not do this`);
}

/** A job token reaches only routes about its own job, i.e. whose `:id` is that job. */
export function checkJobAccess(route: RouteDef, principal: Principal, params: unknown): void {
  if (principal.scope !== 'job') return;
  const id = (params as { id?: unknown } | undefined)?.id;
  if (!route.path.includes('/jobs/:id') || id !== principal.job_id) {
    throw new GantryError('forbidden', 'a job token may only touch its own job');
  }
}
