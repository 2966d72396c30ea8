import type { RouteHandlers } from '../routeHandler';

export const gpuHandlers: RouteHandlers<'gpus'> = {
  gpus: (_, { coordinator }) => coordinator.latestGpuSamples(),
};
