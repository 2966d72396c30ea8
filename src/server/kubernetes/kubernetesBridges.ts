import type { FastifyBaseLogger } from 'fastify';
import type { Coordinator } from '../../core';
import { GantryError, wantedPilotCount, type KubernetesCluster, type KubernetesClusterSpec } from '../../shared';
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
  /** Pilot mode: runs `count` pilot pods (0: none) that register with the enrolment `token`. */
  applyPilots(cluster: KubernetesClusterSpec, count: number, token: string): Promise<void>;
  /** How often pilot counts follow demand; default 5 s. */
  pilotPollMs?: number;
}

const DEFAULT_PILOT_POLL_MS = 5000;

/**
 * One bridge worker per stored cluster, started when the server listens and whenever a cluster is
 * added or changed, stopped (its jobs handed back) when the cluster is removed or the server closes.
 * Without KubernetesSupport (tests, embedders that did not ask) clusters are stored but not run.
 */
export class KubernetesBridges {
  private readonly bridges = new Map<string, Promise<AgentHandle | null>>();
  /** Pilots last asked of each cluster, and the enrolment token its pilots register with. */
  private readonly pilots = new Map<string, { count: number; token: string }>();
  private pilotTimer: NodeJS.Timeout | null = null;
  private scaling = false;
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
    if (this.support && !this.closed) {
      this.pilotTimer = setInterval(() => void this.scalePilots(), this.support.pilotPollMs ?? DEFAULT_PILOT_POLL_MS);
      this.pilotTimer.unref();
    }
  }

  /**
   * Pilot mode: each cluster's pilot count follows its demand within min and max pilots (the same
   * rule as Slurm's, wantedPilotCount); a change is one apply of the Indexed Job, none a delete.
   * Ticks do not overlap, so a slow kubectl never sees two applies of one cluster at once.
   */
  async scalePilots(): Promise<void> {
    const support = this.support;
    if (!support || this.scaling || this.closed) return;
    this.scaling = true;
    try {
      for (const cluster of this.coordinator.kubernetes.list()) {
        const wanted = cluster.max_pilots === 0 ? 0 : wantedPilotCount({ min: cluster.min_pilots, max: cluster.max_pilots, perPilot: cluster.jobs_per_pilot }, cluster.pilot_demand);
        const current = this.pilots.get(cluster.name);
        if ((current?.count ?? 0) === wanted && (current !== undefined || wanted === 0)) continue;
        const token = current?.token ?? this.pilotToken(cluster.name);
        try {
          await support.applyPilots(cluster, wanted, token);
          this.pilots.set(cluster.name, { count: wanted, token });
          if (cluster.error?.startsWith('pilots:')) this.noteError(cluster.name, null);
        } catch (error) {
          this.noteError(cluster.name, `pilots: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      this.scaling = false;
    }
  }

  /** A fresh enrolment token for a cluster's pilots; those of an earlier run are revoked, as nobody holds them now. */
  private pilotToken(cluster: string): string {
    const name = `k8s pilots ${cluster}`;
    for (const stale of this.coordinator.listTokens().filter((token) => token.name === name && token.revoked_at === null)) this.coordinator.revokeToken(stale.id);
    return this.coordinator.createToken({ name, scope: 'worker' }).token;
  }

  /** Checks access (when it can), stores the cluster and (re)starts its bridge. */
  async add(input: KubernetesClusterSpec): Promise<KubernetesCluster> {
    await this.support?.checkAccess(input);
    const cluster = this.coordinator.kubernetes.save(input);
    await this.restart(cluster);
    return this.coordinator.kubernetes.get(cluster.name);
  }

  async remove(name: string): Promise<void> {
    const cluster = this.coordinator.kubernetes.get(name);
    await this.stop(name);
    // Pilots of an earlier run of the coordinator are deleted too: the Job has a fixed name.
    if (this.support && (this.pilots.has(name) || cluster.max_pilots > 0)) await this.support.applyPilots(cluster, 0, '');
    this.pilots.delete(name);
    for (const token of this.coordinator.listTokens().filter((t) => t.name === `k8s pilots ${name}` && t.revoked_at === null)) this.coordinator.revokeToken(token.id);
    this.coordinator.kubernetes.remove(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pilotTimer) clearInterval(this.pilotTimer);
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
