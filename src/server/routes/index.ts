import type { AgentChannelRoute, RouteName } from '../../shared';
import { chatHandlers } from './chat';
import { artifactHandlers } from './artifacts';
import { modelHandlers } from './artifacts/models';
import { datasetHandlers } from './artifacts/datasets';
import { eventHandlers } from './events';
import { gpuHandlers } from './gpus';
import { healthHandlers, type SecretsInfo } from './health';
import { hostHandlers } from './hosts';
import { jobCallerHandlers, jobHandlers } from './jobs';
import { logCallerHandlers, logHandlers } from './logs';
import { metricCallerHandlers, metricHandlers } from './metrics';
import { projectHandlers } from './projects';
import { prometheusHandlers } from './prometheus';
import { statsHandlers } from './stats';
import { maintenanceHandlers } from './maintenance';
import { notificationHandlers } from './notifications';
import type { CallerHandler, RouteHandler } from './routeHandler';
import { slurmHandlers } from './slurm';
import { kubernetesHandlers } from './k8s';
import { suiteHandlers } from './suites';
import { sweepHandlers } from './sweep';
import { tokenHandlers } from './tokens';
import { workerCallerHandlers, workerHandlers } from './workers';
import { workDirHandlers } from './workdirs';

export type AllRouteHandlers = { [N in RouteName]: RouteHandler<N> };

/** Every route's handler, one resource at a time; the type fails to compile if a route of the table has none. */
export function allRouteHandlers(version: string, secrets: SecretsInfo): AllRouteHandlers {
  return {
    ...healthHandlers(version, secrets),
    ...projectHandlers,
    ...jobHandlers,
    ...sweepHandlers,
    ...logHandlers,
    ...metricHandlers,
    ...artifactHandlers,
    ...modelHandlers,
    ...datasetHandlers,
    ...workerHandlers,
    ...gpuHandlers,
    ...tokenHandlers,
    ...hostHandlers,
    ...workDirHandlers,
    ...slurmHandlers,
    ...kubernetesHandlers,
    ...eventHandlers,
    ...prometheusHandlers,
    ...statsHandlers,
    ...maintenanceHandlers,
    ...notificationHandlers,
    ...chatHandlers,
    ...suiteHandlers,
  };
}

/** The routes an agent calls per job, which the agent channel carries: the same handlers as their HTTP routes. */
export const channelHandlers: { [N in AgentChannelRoute]: CallerHandler<N> } = {
  ...workerCallerHandlers,
  ...jobCallerHandlers,
  ...logCallerHandlers,
  ...metricCallerHandlers,
};

export { registerRoutes } from './registerRoutes';
export { answerCall } from './answerCall';
export type { ServerDeps } from './routeHandler';
