import { join } from 'node:path';
import type { KubernetesClusterSpec } from '../../shared';
import type { Agent } from '../agent';
import type { AgentLogger } from '../logger';
import { startBridgeWorker } from './bridgeWorker';
import { checkClusterAccess } from './clusterAccess';

export interface KubernetesHostOptions {
  /** The coordinator's data dir: each bridge keeps its spool in `k8s-NAME` there. */
  dataDir: string;
  /** A token that may register a worker; in process, the admin token (as the local worker does). */
  token: string;
  logger: AgentLogger;
  /** The kubectl executable; default `kubectl` on PATH. */
  kubectl?: string;
  pollMs?: number;
}

/**
 * What `gantry serve` and the desktop app give their server to run Kubernetes clusters (the server's
 * KubernetesSupport): kubectl's access check, and each cluster's bridge worker in this process.
 */
export function kubernetesHostSupport(options: KubernetesHostOptions): {
  checkAccess(cluster: KubernetesClusterSpec): Promise<void>;
  launchBridge(cluster: KubernetesClusterSpec, url: string): Promise<Agent>;
} {
  return {
    checkAccess: (cluster) => checkClusterAccess(cluster, options.kubectl),
    launchBridge: (cluster, url) =>
      startBridgeWorker(cluster, { url, token: options.token, spoolDir: join(options.dataDir, `k8s-${cluster.name}`), logger: options.logger, kubectl: options.kubectl, pollMs: options.pollMs }),
  };
}
