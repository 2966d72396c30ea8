export { buildApp } from './buildApp';
export { startServer } from './startServer';
export { ensureAdminToken } from './adminToken';
export { LIVE_SOCKET_PATH } from './live/registerLiveSocket';
export type { AppOptions, ServerOptions, RunningServer } from './options';
export { RestartableWorker, type AgentHandle, type LocalWorkerControl } from './localWorker';
export type { KubernetesSupport } from './kubernetes/kubernetesBridges';
