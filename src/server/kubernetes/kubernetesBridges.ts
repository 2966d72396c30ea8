import type { FastifyBaseLogger } from 'fastify';
import type { Coordinator } from '../../core';
import { GantryError, type KubernetesCluster, type KubernetesClusterSpec } from '../../shared';
import type { AgentHandle } from '../localWorker';

/**
 * What the host process (`gantry serve`, the desktop app) supplies to run Kubernetes clusters: it
 * can load the agent layer and finds kubectl; the server cannot import either.
 */
export interface KubernetesSupport {
  /** Checks with kubectl that the context exists and may create Jobs in the namespace; throws naming the field. */
  checkAccess(cluster: KubernetesClusterSpec): Promise<void>;
  /** Starts the cluster's bridge worker against this coordinator; resolves once it has registered. */
  launchBridge(cluster: KubernetesClusterSpec, url: string): Promise<AgentHandle>;
}

/**
 * One bridge worker per stored cluster, started when the server listens and whenever a cluster is
 * added or changed, stopped (its jobs handed back) when the cluster is removed or the server closes.
 * Without KubernetesSupport (tests, embedders that did not ask) clusters are stored but not run.
 */
export class KubernetesBridges {
  private readonly bridges = new Map<string, Promise<AgentHandle | null>>();
  private closed = false;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly support: KubernetesSupport | undefined,
    private readonly url: () => string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Every stored cluster's bridge; a cluster that fails to start keeps its error and leaves the others alone. */
  startAll(): void {
    for (const cluster of this.coordinator.kubernetes.list()) void this.restart(cluster);
  }

  /** Checks access (when it can), stores the cluster and (re)starts its bridge. */
  async add(input: KubernetesClusterSpec): Promise<KubernetesCluster> {
    await this.support?.checkAccess(input);
    const cluster = this.coordinator.kubernetes.save(input);
    await this.restart(cluster);
    return this.coordinator.kubernetes.get(cluster.name);
  }

  async remove(name: string): Promise<void> {
    this.coordinator.kubernetes.get(name);
    await this.stop(name);
    this.coordinator.kubernetes.remove(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.bridges.keys()].map((name) => this.stop(name)));
  }

  private async restart(cluster: KubernetesClusterSpec): Promise<void> {
    const support = this.support;
    if (!support || this.closed) return;
    await this.stop(cluster.name);
    const launched = support.launchBridge(cluster, this.url()).then(
      (agent) => {
        this.noteError(cluster.name, null);
        return agent;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log.warn({ cluster: cluster.name, err: message }, 'the Kubernetes bridge worker did not start');
        this.noteError(cluster.name, `the bridge worker did not start: ${message}`);
        return null;
      },
    );
    this.bridges.set(cluster.name, launched);
    await launched;
  }

  /** A cluster removed while its bridge was starting has nowhere to keep the error; that is fine. */
  private noteError(name: string, error: string | null): void {
    try {
      this.coordinator.kubernetes.setError(name, error);
    } catch (failure) {
      if (!(failure instanceof GantryError && failure.code === 'not_found')) throw failure;
    }
  }

  private async stop(name: string): Promise<void> {
    const bridge = this.bridges.get(name);
    if (!bridge) return;
    this.bridges.delete(name);
    await (await bridge)?.stop({ graceful: true });
  }
}
