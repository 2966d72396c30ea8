import { metricEpochsCsv, metricRowsCsv, sweepMetricsCsv } from '../../../shared';
import { requireCurrentAttempt } from '../currentAttempt';
import { JsonText } from '../jsonText';
import type { CallerHandler, RouteHandlers } from '../routeHandler';
import { csvAnswer, wantsCsv } from './csvAnswer';

const recordMetrics: CallerHandler<'recordMetrics'> = ({ params, body }, { coordinator }) => {
  requireCurrentAttempt(coordinator, params.id, body.attempt, 'metrics');
  return { recorded: coordinator.recordMetrics(params.id, body.attempt, body.points) };
};

/** The agents' metric deliveries, which the agent channel carries too (they need nothing of HTTP). */
export const metricCallerHandlers = { recordMetrics };

export const metricHandlers: RouteHandlers<'recordMetrics' | 'listMetrics' | 'listSweeps' | 'sweepMetrics'> = {
  recordMetrics,
  listMetrics: ({ params, query, request, reply }, { coordinator }) => {
    if (!wantsCsv(query.format, request)) {
      const { json, next_cursor } = coordinator.metricQueries.jobJson(params.id, query);
      if (next_cursor) reply.header('x-next-cursor', next_cursor);
      return new JsonText(json);
    }
    const answer = coordinator.metricQueries.job(params.id, query);
    if ('next_cursor' in answer && answer.next_cursor) reply.header('x-next-cursor', answer.next_cursor);
    const text = 'epochs' in answer ? metricEpochsCsv(answer.epochs) : metricRowsCsv(answer.points);
    return csvAnswer(reply, `job-${params.id}-metrics.csv`, text);
  },
  listSweeps: ({ query }, { coordinator }) => coordinator.sweeps.list(query),
  sweepMetrics: ({ params, query, request, reply }, { coordinator }) => {
    const csv = wantsCsv(query.format, request);
    const metrics = coordinator.metricQueries.sweep(params.id, query, { allPoints: csv });
    return csv ? csvAnswer(reply, `sweep-${params.id}-${metrics.name ?? 'metrics'}.csv`, sweepMetricsCsv(metrics)) : metrics;
  },
};
