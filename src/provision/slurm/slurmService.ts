import type { ClusterRecord } from '../../core';
import { NotFoundError, parseOrThrow, SlurmClusterAdd, ValidationError, type RemovedCluster, type SlurmCluster } from '../../shared';
import { connectorWithDefaults, type HostConnector } from '../hosts/hostConnector';
import { DirectJobs } from './directJobs';
import type { HostServiceOptions } from '../hosts/hostService';
import { LoginNode, pilotTokenKey } from './loginNode';
import { wantedPilots } from './pilotCount';
import { pilotJobName, pilotScript } from './pilotScript';
import { sbatch, scancel, scancelByName, squeueByName } from './slurmCommands';

export interface SlurmServiceOptions extends HostServiceOptions {
  /** How often each cluster's pilots are looked at (squeue) and their count set to demand; default 5 s. */
  pollMs?: number;
}

export interface SlurmService {
  list(): SlurmCluster[];
  get(name: string): SlurmCluster;
  /** Adds or updates a cluster and looks at it once (its login node must answer squeue). */
  add(input: unknown): Promise<SlurmCluster>;
  /** Cancels the cluster's pilots, revokes their token and forgets the cluster. */
  remove(name: string): Promise<RemovedCluster>;
  /** One pass over a cluster: squeue its pilots, then submit or cancel pilots to follow demand. */
  reconcile(name: string): Promise<SlurmCluster>;
  /** Reconciles every cluster every pollMs until close(). */
  start(): void;
  close(): void;
}

export function createSlurmService(options: SlurmServiceOptions): SlurmService {
  return new PilotLauncher(options);
}

/** Slurm states of pilots that have not started: scaling down cancels these first. */
const NOT_STARTED = new Set(['SUBMITTED', 'PENDING']);

function wire(record: ClusterRecord, login: LoginNode | undefined): SlurmCluster {
  const { token_id: _tokenId, ...cluster } = record;
  return { ...cluster, relay_url: login?.runningRelay?.url ?? null };
}

class PilotLauncher implements SlurmService {
  private readonly connector: HostConnector;
  private readonly logins = new Map<string, LoginNode>();
  private readonly directs = new Map<string, DirectJobs>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: SlurmServiceOptions) {
    this.connector = connectorWithDefaults(options);
  }

  private get inventory() {
    return this.options.coordinator.slurm;
  }

  list(): SlurmCluster[] {
    return this.inventory.list().map((record) => wire(record, this.logins.get(record.name)));
  }

  get(name: string): SlurmCluster {
    return wire(this.inventory.get(name), this.logins.get(name));
  }

  /** One operation per cluster at a time; others wait their turn. */
  private serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.queues.set(name, next);
    void next.finally(() => this.queues.get(name) === next && this.queues.delete(name)).catch(() => undefined);
    return next;
  }

  private loginNode(record: ClusterRecord): LoginNode {
    const known = this.logins.get(record.name);
    if (known && known.login === record.login) return known;
    known?.close();
    const node = new LoginNode({
      cluster: record.name,
      login: record.login,
      coordinator: this.options.coordinator,
      secrets: this.options.secrets,
      connector: this.connector,
      agentBundle: this.options.agentBundle,
      nodeCacheDir: this.options.nodeCacheDir === undefined ? (process.env.GANTRY_NODE_CACHE ?? null) : this.options.nodeCacheDir,
    });
    this.logins.set(record.name, node);
    return node;
  }

  private directJobs(name: string): DirectJobs {
    let direct = this.directs.get(name);
    if (!direct) {
      direct = new DirectJobs(name, this.options.coordinator, this.options.secrets);
      this.directs.set(name, direct);
    }
    return direct;
  }

  async add(input: unknown): Promise<SlurmCluster> {
    const spec = parseOrThrow(SlurmClusterAdd, input);
    try {
      this.options.coordinator.hosts.get(spec.login);
    } catch (error) {
      if (error instanceof NotFoundError) throw new ValidationError(`login: no host is named ${spec.login}; add the login node with gantry hosts add first`, 'login');
      throw error;
    }
    this.inventory.save(spec);
    return this.reconcile(spec.name);
  }

  reconcile(name: string): Promise<SlurmCluster> {
    return this.serial(name, async () => {
      const record = this.inventory.get(name);
      try {
        await this.followDemand(record);
        this.inventory.setError(name, null);
      } catch (error) {
        this.inventory.setError(name, (error as Error).message);
      }
      return this.get(name);
    });
  }

  private async followDemand(record: ClusterRecord): Promise<void> {
    const login = this.loginNode(record);
    const client = await login.client();
    this.inventory.updatePilots(record.name, await squeueByName(client, pilotJobName(record.name)));
    const current = this.inventory.get(record.name);
    const wanted = wantedPilots(current, current.demand);
    const have = current.pilots.length;
    // The relay rides the login node's SSH connection: every pass makes sure one runs while pilots
    // may need it, so a reconnect brings it back on the same address for the pilots already out.
    const relayUrl = current.relay && (wanted > 0 || have > 0) ? await login.relayUrl(current.relay, Number(new URL(this.options.localUrl()).port)) : null;
    if (wanted > have) {
      const paths = await login.preparePilots();
      const url = relayUrl ?? this.options.advertiseUrl?.() ?? process.env.GANTRY_ADVERTISE_URL ?? this.options.localUrl();
      const count = wanted - have;
      const arrayId = await sbatch(client, pilotScript({ spec: current, paths, url, count }));
      this.inventory.addPilots(record.name, Array.from({ length: count }, (_, i) => `${arrayId}_${i}`));
    } else if (wanted < have) {
      // Pilots that run leave by themselves once idle; those still waiting in Slurm are cancelled, newest first.
      const waiting = current.pilots.filter((p) => NOT_STARTED.has(p.state)).map((p) => p.slurm_job_id);
      await scancel(client, waiting.slice(-(have - wanted)));
    }
    const direct = this.directJobs(record.name);
    if (direct.busy) await direct.pass(client, current, await login.directDir());
  }

  remove(name: string): Promise<RemovedCluster> {
    return this.serial(name, async () => {
      const record = this.inventory.get(name);
      const login = this.loginNode(record);
      const client = await login.client();
      await scancelByName(client, pilotJobName(name));
      await this.directJobs(name).removeAll(client);
      this.directs.delete(name);
      login.close();
      this.logins.delete(name);
      if (record.token_id !== null) {
        try {
          this.options.coordinator.revokeToken(record.token_id);
        } catch {
          // Already revoked by hand: nothing left to revoke.
        }
      }
      this.options.secrets.delete(pilotTokenKey(name));
      this.inventory.remove(name);
      return { removed: true, cancelled_pilots: record.pilots.length };
    });
  }

  start(): void {
    if (this.timer || this.closed) return;
    const pollMs = this.options.pollMs ?? 5_000;
    const tick = (): void => {
      const passes = this.inventory.list().map((c) => this.reconcile(c.name).catch(() => undefined));
      void Promise.all(passes).finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, pollMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const login of this.logins.values()) login.close();
    this.logins.clear();
  }
}
