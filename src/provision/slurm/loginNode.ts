import { posix } from 'node:path';
import type { Client } from 'ssh2';
import type { Coordinator, SecretStore } from '../../core';
import { defaultAgentBundlePath, loadAgentBundle } from '../bootstrap/agentBundle';
import { installAgentFiles } from '../bootstrap/installAgent';
import { makeRemoteDirs, openSftp, writeRemoteFile } from '../bootstrap/remoteFiles';
import type { HostConnector } from '../hosts/hostConnector';
import { probeHost } from '../probe/probeHost';
import type { SshLink } from '../ssh/openSsh';
import { startPilotRelay, type PilotRelay } from './pilotRelay';
import type { PilotPaths } from './pilotScript';

export interface LoginNodeOptions {
  cluster: string;
  login: string;
  coordinator: Coordinator;
  secrets: SecretStore;
  connector: HostConnector;
  agentBundle?: string;
  nodeCacheDir: string | null;
}

interface RelayEntry {
  listen: string;
  started: Promise<PilotRelay>;
  ready: PilotRelay | null;
}

/** The secret-store key of the enrolment token a cluster's pilots register with. */
export const pilotTokenKey = (cluster: string): string => `slurm.${cluster}.token`;

/**
 * A cluster's login node: one SSH connection kept open between polls (a handshake per squeue
 * would cost more than the squeue), and the agent, its runtime and the pilots' token file put in
 * place once per connection.
 */
export class LoginNode {
  private link: SshLink | null = null;
  private paths: PilotPaths | null = null;
  private jobsDir: string | null = null;
  private relay: RelayEntry | null = null;

  constructor(private readonly options: LoginNodeOptions) {}

  get login(): string {
    return this.options.login;
  }

  async client(): Promise<Client> {
    if (this.link) return this.link.client;
    const link = await this.options.connector.open(this.options.coordinator.hosts.get(this.options.login));
    this.link = link;
    link.client.once('close', () => {
      if (this.link === link) this.forget();
    });
    return link.client;
  }

  /** Installs the agent (sha256-checked, skipped when already there) and writes the token file, 0600 from its creation. */
  async preparePilots(): Promise<PilotPaths> {
    if (this.paths) return this.paths;
    const client = await this.client();
    const probe = await probeHost(client);
    const bundle = loadAgentBundle(this.options.agentBundle ?? defaultAgentBundlePath());
    const installed = await installAgentFiles({ client, probe, bundle, nodeCacheDir: this.options.nodeCacheDir });
    const root = posix.join(probe.home, '.gantry', 'slurm', this.options.cluster);
    await makeRemoteDirs(client, [root, posix.join(root, 'logs'), posix.join(root, 'spool')]);
    const tokenFile = posix.join(root, 'agent.token');
    const sftp = await openSftp(client);
    try {
      await writeRemoteFile(sftp, tokenFile, Buffer.from(`${this.enrolmentToken()}\n`), 0o600);
    } finally {
      sftp.end();
    }
    this.paths = { root, tokenFile, node: installed.node, agentFile: installed.agentFile };
    return this.paths;
  }

  /** `~/.gantry/slurm/NAME/jobs`, made once per connection: where per-job tasks write their output and exit status. */
  async directDir(): Promise<string> {
    if (this.jobsDir) return this.jobsDir;
    const client = await this.client();
    const home = (await probeHost(client)).home;
    const dir = posix.join(home, '.gantry', 'slurm', this.options.cluster, 'jobs');
    await makeRemoteDirs(client, [dir]);
    this.jobsDir = dir;
    return dir;
  }

  /**
   * The token pilots enrol with, kept in the secret store: revoking it would cut off the pilots
   * that registered with it, so a restarted coordinator reuses it rather than making a new one.
   */
  private enrolmentToken(): string {
    const { coordinator, secrets, cluster } = this.options;
    const kept = secrets.get(pilotTokenKey(cluster));
    const record = coordinator.slurm.get(cluster);
    if (kept && record.token_id !== null) return kept;
    const created = coordinator.createToken({ name: `slurm:${cluster}`, scope: 'worker' });
    secrets.set(pilotTokenKey(cluster), created.token);
    coordinator.slurm.setToken(cluster, created.record.id);
    return created.token;
  }

  /**
   * The URL pilots reach the coordinator at through this login node: its relay listening on
   * `listen`, piped to the coordinator's forward (see startPilotRelay). One per SSH connection;
   * a new connection starts a new one on the same address, where the pilots find it again.
   */
  async relayUrl(listen: string, localPort: number): Promise<string> {
    if (this.relay && this.relay.listen !== listen) this.stopRelay();
    if (!this.relay) {
      const client = await this.client();
      const paths = await this.preparePilots();
      const entry: RelayEntry = { listen, started: startPilotRelay(client, { node: paths.node, agentFile: paths.agentFile, listen, localPort }), ready: null };
      this.relay = entry;
      entry.started.then(
        (relay) => (entry.ready = relay),
        () => this.relay === entry && (this.relay = null),
      );
    }
    return (await this.relay.started).url;
  }

  /** The relay while it runs; null without one. */
  get runningRelay(): PilotRelay | null {
    return this.relay?.ready ?? null;
  }

  private stopRelay(): void {
    void this.relay?.started.then((relay) => relay.close(), () => undefined);
    this.relay = null;
  }

  private forget(): void {
    this.link = null;
    this.paths = null;
    this.jobsDir = null;
    this.relay = null;
  }

  close(): void {
    this.stopRelay();
    this.link?.client.end();
    this.forget();
  }
}
