import { NotFoundError, type MetricsQuery } from '../../shared';
import type { CoreContext } from '../context';
import { DEFAULT_METRICS_PAGE } from '../../shared';
import { listMetricPage, listMetricPageJson } from './metricPages';
import type { MetricQueries } from './api';
import { checkMetricsQuery, downsampledMetrics, latestMetrics, metricsByEpoch } from './jobMetrics';
import { compareSweep, DEFAULT_SWEEP_POINTS } from './sweepMetrics';

/** Checks the query and that the job exists: an unknown job is a 404, not an empty list, so a typo'd id does not read as "no metrics yet". */
function checkJobQuery(ctx: CoreContext, jobId: number, query: MetricsQuery): void {
  checkMetricsQuery(query);
  if (!ctx.sql('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) throw new NotFoundError(`job ${jobId} does not exist`, 'id');
}

const isListing = (query: MetricsQuery): boolean => query.by !== 'epoch' && !query.latest && query.points === undefined;

export function createMetricQueries(ctx: CoreContext): MetricQueries {
  const job: MetricQueries['job'] = (jobId, query) => {
    checkJobQuery(ctx, jobId, query);
    if (query.by === 'epoch') return { epochs: metricsByEpoch(ctx, jobId, query.name) };
    if (query.latest) return { points: latestMetrics(ctx, jobId, query.name) };
    if (query.points !== undefined) return { points: downsampledMetrics(ctx, jobId, { name: query.name, x: query.x, points: query.points }) };
    return listMetricPage(ctx, jobId, { name: query.name, limit: query.limit ?? DEFAULT_METRICS_PAGE, after: query.after });
  };
  return {
    job,
    jobJson: (jobId, query) => {
      if (!isListing(query)) {
        const answer = job(jobId, query);
        return { json: JSON.stringify('epochs' in answer ? answer.epochs : answer.points), next_cursor: null };
      }
      checkJobQuery(ctx, jobId, query);
      return listMetricPageJson(ctx, jobId, { name: query.name, limit: query.limit ?? DEFAULT_METRICS_PAGE, after: query.after });
    },
    sweep: (sweepId, query, options = {}) => compareSweep(ctx, sweepId, query, query.points ?? (options.allPoints ? null : DEFAULT_SWEEP_POINTS)),
  };
}
