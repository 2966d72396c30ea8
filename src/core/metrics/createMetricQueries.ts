import { NotFoundError } from '../../shared';
import type { CoreContext } from '../context';
import { DEFAULT_METRICS_PAGE } from '../../shared';
import { listMetricPage } from './metricPages';
import type { MetricQueries } from './api';
import { checkMetricsQuery, downsampledMetrics, latestMetrics, metricsByEpoch } from './jobMetrics';
import { compareSweep, DEFAULT_SWEEP_POINTS } from './sweepMetrics';

export function createMetricQueries(ctx: CoreContext): MetricQueries {
  return {
    job: (jobId, query) => {
      checkMetricsQuery(query);
      // An unknown job is a 404, not an empty list: a typo'd id must not read as "no metrics yet".
      if (!ctx.sql('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) throw new NotFoundError(`job ${jobId} does not exist`, 'id');
      if (query.by === 'epoch') return { epochs: metricsByEpoch(ctx, jobId, query.name) };
      if (query.latest) return { points: latestMetrics(ctx, jobId, query.name) };
      if (query.points !== undefined) return { points: downsampledMetrics(ctx, jobId, { name: query.name, x: query.x, points: query.points }) };
      return listMetricPage(ctx, jobId, { name: query.name, limit: query.limit ?? DEFAULT_METRICS_PAGE, after: query.after });
    },
    sweep: (sweepId, query, options = {}) => compareSweep(ctx, sweepId, query, query.points ?? (options.allPoints ? null : DEFAULT_SWEEP_POINTS)),
  };
}
