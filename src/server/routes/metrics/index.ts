import { requireCurrentAttempt } from '../currentAttempt';
import type { RouteHandlers } from '../routeHandler';

export const metricHandlers: RouteHandlers<'recordMetrics' | 'listMetrics'> = {
  recordMetrics: ({ params, body }, { coordinator }) => {
    requireCurrentAttempt(coordinator, params.id, body.attempt, 'metrics');
    return { recorded: coordinator.recordMetrics(params.id, body.attempt, body.points) };
  },
  listMetrics: ({ params }, { coordinator }) => {
    // An unknown job is a 404, not an empty list: a typo'd id must not read as "no metrics yet".
    coordinator.getJob(params.id);
    return coordinator.listMetrics(params.id);
  },
};
