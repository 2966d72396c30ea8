import type { RouteHandlers } from '../routeHandler';

export const metricHandlers: RouteHandlers<'recordMetrics' | 'listMetrics'> = {
  recordMetrics: ({ params, body }, { coordinator }) => ({ recorded: coordinator.recordMetrics(params.id, body.attempt, body.points) }),
  listMetrics: ({ params }, { coordinator }) => coordinator.listMetrics(params.id),
};
