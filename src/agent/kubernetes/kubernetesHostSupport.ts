import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatKubernetesPilots, pilotObjects, type KubernetesClusterSpec } from '../../shared';
import type { Agent } from '../agent';
import type { AgentLogger } from '../logger';
import { startBridgeWorker } from './bridgeWorker';
import { checkClusterAccess } from './clusterAccess';
import { checkRunaiAccess } from '../runai/runaiAccess';
import { kubectlFailure, runKubectl } from './kubectl';

export interface KubernetesHostOptions {
  /** The coordinator's data dir: each bridge keeps its spool in `k8s-NAME` there. */
  dataDir: string;
  /** A token that may register a worker; in process, the admin token (as the local worker does). */
  token: string;
  logger: AgentLogger;
  /** The kubectl executable; default `kubectl` on PATH. */
  kubectl?: string;
  /** The runai executable; default `runai` on PATH. */
  runai?: string;
  pollMs?: number;
  /** The agent bundle pilots run (out/agent/gantry-agent.js); pilot mode needs it. */
  agentBundle?: string;
  /** How often pilot counts follow demand; default 5 s. */
  pilotPollMs?: number;
}

/** Scales a cluster's pilots: apply the Indexed Job with `count` pods, or delete it for none. */
async function applyPilots(options: KubernetesHostOptions, bundle: () => string, cluster: KubernetesClusterSpec, count: number, token: string): Promise<void> {
  const target = { context: cluster.context, namespace: cluster.namespace, kubectl: options.kubectl };
  const names = pilotObjects(cluster.name);
  if (count === 0) {
    const deleted = await runKubectl(target, ['delete', 'job', names.job, '--ignore-not-found', '--cascade=background', '--wait=false']);
    if (deleted.code !== 0) throw kubectlFailure('delete job', deleted);
    return;
  }
  if (cluster.pilot_url === null) throw new Error('pilot_url is not set');
  const manifest = formatKubernetesPilots({
    cluster: cluster.name, namespace: cluster.namespace, image: cluster.pilot_image, count, url: cluster.pilot_url, token, agentBundleGzipBase64: bundle(),
    cpus: cluster.pilot_cpus, memoryMb: cluster.pilot_memory_mb, gpus: cluster.pilot_gpus, jobsPerPilot: cluster.jobs_per_pilot, idleTimeoutS: cluster.idle_timeout_s,
  });
  const applied = await runKubectl(target, ['apply', '-f', '-'], JSON.stringify(manifest));
  if (applied.code !== 0) throw kubectlFailure('apply', applied);
}

/**
 * What `gantry serve` and the desktop app give their server to run Kubernetes clusters (the server's
 * KubernetesSupport): kubectl's access check, and each cluster's bridge worker in this process.
 */
export function kubernetesHostSupport(options: KubernetesHostOptions): {
  checkAccess(cluster: KubernetesClusterSpec): Promise<void>;
  launchBridge(cluster: KubernetesClusterSpec, url: string): Promise<Agent>;
  applyPilots(cluster: KubernetesClusterSpec, count: number, token: string): Promise<void>;
  pilotPollMs?: number;
} {
  let packed: string | undefined;
  // Read and packed once, when the first pilot needs it.
  const bundle = (): string => {
    if (options.agentBundle === undefined) throw new Error('no agent bundle to give pilots (npm run build:agent)');
    packed ??= gzipSync(readFileSync(options.agentBundle), { level: 9 }).toString('base64');
    return packed;
  };
  return {
    pilotPollMs: options.pilotPollMs,
    applyPilots: (cluster, count, token) => applyPilots(options, bundle, cluster, count, token),
    checkAccess: (cluster) => (cluster.backend === 'runai' ? checkRunaiAccess(cluster, options.runai) : checkClusterAccess(cluster, options.kubectl)),
    launchBridge: (cluster, url) =>
      startBridgeWorker(cluster, { url, token: options.token, spoolDir: join(options.dataDir, `k8s-${cluster.name}`), logger: options.logger, kubectl: options.kubectl, runai: options.runai, pollMs: options.pollMs }),
  };
}
