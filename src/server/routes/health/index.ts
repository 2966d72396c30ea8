import type { z } from 'zod';
import type { ServerInfo } from '../../../shared';
import type { RouteHandlers } from '../routeHandler';

export type SecretsInfo = z.infer<typeof ServerInfo>['secrets'];

export function healthHandlers(version: string, secrets: SecretsInfo): RouteHandlers<'health' | 'serverInfo'> {
  return {
    health: () => ({ ok: true, version }),
    serverInfo: (_input, { coordinator, localWorker }) => ({ version, data_dir: coordinator.dataDir, secrets, local_worker_id: localWorker?.workerId() ?? null }),
  };
}
