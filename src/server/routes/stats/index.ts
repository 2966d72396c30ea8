import type { RouteHandlers } from '../routeHandler';

export const statsHandlers: RouteHandlers<'stats' | 'idleGpus'> = {
  stats: ({ query }, { coordinator }) => coordinator.operations.stats({ sinceMs: query.since, by: query.by }),
  idleGpus: (_, { coordinator }) => coordinator.operations.idleGpus(),
};
