import type { RouteHandlers } from '../routeHandler';

export function healthHandlers(version: string): RouteHandlers<'health'> {
  return { health: () => ({ ok: true, version }) };
}
