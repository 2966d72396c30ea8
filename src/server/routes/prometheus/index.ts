import type { RouteHandlers } from '../routeHandler';

export const prometheusHandlers: RouteHandlers<'prometheusMetrics'> = {
  prometheusMetrics: async ({ reply }, { metrics }) => {
    reply.header('content-type', metrics.contentType);
    return Buffer.from(await metrics.scrape());
  },
};
