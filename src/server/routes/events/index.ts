import type { RouteHandlers } from '../routeHandler';

export const eventHandlers: RouteHandlers<'events'> = {
  events: ({ query }, { coordinator }) => coordinator.eventsSince(query.after, query.limit),
};
