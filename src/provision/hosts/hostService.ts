import { posix } from 'node:path';
import type { Coordinator, HostRecord, SecretStore } from '../../core';
import { carriesTokenSafely, ConflictError, ValidationError, HostAdd, HostSync, HostTrust, parseOrThrow, type Host, type HostSyncResult } from '../../shared';
import { removeGantryDir, stopRemoteAgent, tailAgentLog } from '../bootstrap/agentControl';
import { defaultAgentBundlePath, loadAgentBundle } from '../bootstrap/agentBundle';
import { hostReachesCoordinator } from '../bootstrap/checkReach';
import { installAgentFiles, launchAgent, type InstalledAgent } from '../bootstrap/installAgent';
import { remoteLayout } from '../bootstrap/remoteLayout';
import { HostKeyError } from '../errors';
import { probeHost } from '../probe/probeHost';
import type { SshLink } from '../ssh/openSsh';
import { execRemote, type ExecResult, type RemoteInput } from '../ssh/remoteExec';
import { commandLine } from '../ssh/shellQuote';
import { checkPrivateKey } from '../ssh/sshAuth';
import { DEFAULT_SYNC_KEEP, pruneSyncCopies, syncHashOf } from '../sync/pruneSyncCopies';
import { walkLocalTree } from '../sync/localTree';
import { syncWorkDir } from '../sync/syncWorkDir';
import { openRemoteShell, type RemoteShell, type ShellSize } from '../shell/remoteShell';
import { TunnelKeeper } from '../tunnel/tunnelKeeper';
import { connectorWithDefaults, type HostConnector, passphraseKey } from './hostConnector';
import { stateForError, toWireHost } from './hostStates';

export interface HostServiceOptions {
  coordinator: Coordinator;
  secrets: SecretStore;
  /** The coordinator on this machine's loopback: where reverse tunnels end. Read when needed (the port is known after listen). */
  localUrl: () => string;
  /** The address a host should try first (GANTRY_ADVERTISE_URL); default localUrl. A host that cannot open it gets a reverse tunnel. */
  advertiseUrl?: () => string;
  /** The agent bundle to install; default out/agent/gantry-agent.js of this checkout (GANTRY_AGENT_BUNDLE overrides). */
  agentBundle?: string;
  /** Folder of `<platform>-<arch>/node` binaries for hosts without Node ≥ 18 (GANTRY_NODE_CACHE). */
  nodeCacheDir?: string | null;
  /** Default ~/.ssh/known_hosts. */
  knownHostsFiles?: string[];
  /** Default SSH_AUTH_SOCK. */
  agentSocket?: string | null;
  keepaliveIntervalMs?: number;
  tunnelBackoffMs?: { initial: number; max: number };
  /**
   * Synced copies a host keeps beyond those unfinished jobs run in, the ones used last (GANTRY_SYNC_KEEP,
   * default 5); older ones are removed after each sync and on `hosts up`.
   */
  syncKeep?: number;
}

export interface RemovedHost {
  removed: true;
  /** Whether the host's ~/.gantry was cleaned; false when the host could not be reached. */
  cleaned: boolean;
  warning: string | null;
}

export interface ExecOptions {
  /** Close the command's channel after this long; default 60 s, 0: no limit. */
  timeoutMs?: number;
  /** What the command reads on stdin (default: nothing, end-of-file at once). */
  stdin?: RemoteInput;
}

export interface HostService {
  list(): Host[];
  get(name: string): Host;
  /** Adds or updates a host, checks its key, probes it and starts its agent (or says which key to trust). */
  add(input: unknown): Promise<Host>;
  trust(name: string, input: unknown): Promise<Host>;
  up(name: string): Promise<Host>;
  down(name: string, options: { now: boolean }): Promise<Host>;
  restart(name: string): Promise<Host>;
  upgrade(name: string): Promise<Host>;
  remove(name: string): Promise<RemovedHost>;
  logs(name: string, lines: number): Promise<string>;
  /**
   * Runs argv on the host over a fresh SSH connection (jump hosts, host keys and auth as for
   * bootstrap), every word shell-quoted, and returns its exit status and output. A non-zero exit
   * is a result, not an error; failing to connect is an error.
   */
  exec(name: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copies a directory of this machine to the host once per content; jobs run in the copy it names. */
  sync(name: string, input: unknown): Promise<HostSyncResult>;
  /** An interactive login shell on the host with a pseudo-terminal of this size, on its own connection. */
  shell(name: string, size: ShellSize): Promise<RemoteShell>;
  /** Re-opens the tunnels of hosts whose agents reach the coordinator through one (after a restart). */
  resume(): void;
  close(): void;
}

/** The option, else GANTRY_SYNC_KEEP, else the default; a bad value stops the service from starting, naming it. */
function syncKeepSetting(option: number | undefined): number {
  const raw = option ?? process.env.GANTRY_SYNC_KEEP;
  if (raw === undefined || raw === '') return DEFAULT_SYNC_KEEP;
  const keep = Number(raw);
  if (!Number.isInteger(keep) || keep < 1) throw new ValidationError(`GANTRY_SYNC_KEEP: give a whole number of synced copies to keep, 1 or more (not ${String(raw)})`, 'GANTRY_SYNC_KEEP');
  return keep;
}

export function createHostService(options: HostServiceOptions): HostService {
  return new SshHostService(options);
}

class SshHostService implements HostService {
  private readonly connector: HostConnector;
  private readonly inventory;
  private readonly tunnels = new Map<string, TunnelKeeper>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly draining = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly syncKeep: number;

  constructor(private readonly options: HostServiceOptions) {
    this.syncKeep = syncKeepSetting(options.syncKeep);
    this.inventory = options.coordinator.hosts;
    this.connector = connectorWithDefaults(options);
    this.unsubscribe = options.coordinator.subscribe((event) => {
      if (this.draining.size > 0 && event.worker_id) this.finishDrains();
    });
  }

  private wire(record: HostRecord): Host {
    return toWireHost(record, this.options.secrets.get(passphraseKey(record.name)) !== null);
  }

  list(): Host[] {
    return this.inventory.list().map((record) => this.wire(record));
  }

  get(name: string): Host {
    return this.wire(this.inventory.get(name));
  }

  /** One operation per host at a time; others wait their turn. */
  private serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.queues.set(name, next);
    void next.finally(() => this.queues.get(name) === next && this.queues.delete(name)).catch(() => undefined);
    return next;
  }

  /** Opens a connection, recording why it failed on the host (unknown key, auth, unreachable). */
  private async connect(record: HostRecord): Promise<SshLink> {
    try {
      return await this.connector.open(record);
    } catch (error) {
      this.inventory.update(record.name, stateForError(error as Error));
      throw error;
    }
  }

  async add(input: unknown): Promise<Host> {
    const spec = parseOrThrow(HostAdd, input);
    return this.serial(spec.name, async () => {
      const stored = this.options.secrets.get(passphraseKey(spec.name));
      const passphrase = spec.passphrase ?? stored;
      // Checked before anything is stored: a wrong passphrase changes nothing.
      if (spec.identity_file) checkPrivateKey(spec.identity_file, passphrase);
      const record = this.inventory.save(spec);
      if (spec.passphrase !== undefined) {
        if (spec.passphrase) this.options.secrets.set(passphraseKey(spec.name), spec.passphrase);
        else this.options.secrets.delete(passphraseKey(spec.name));
      }
      try {
        return this.wire(await this.bringUp(record));
      } catch (error) {
        if (error instanceof HostKeyError) return this.get(spec.name);
        throw error;
      }
    });
  }

  async trust(name: string, input: unknown): Promise<Host> {
    const { fingerprint } = parseOrThrow(HostTrust, input);
    return this.serial(name, async () => {
      let record = this.inventory.get(name);
      // Each hop of a jump chain may present an unknown key; this trusts the one that matches.
      try {
        (await this.connector.open(record)).client.end();
        throw new ConflictError(`host ${name}: every key on the way is already trusted`, 'fingerprint');
      } catch (error) {
        if (!(error instanceof HostKeyError)) throw error;
        const presented = error.presented;
        if (presented.fingerprint !== fingerprint) {
          throw new ConflictError(`fingerprint: ${presented.host}:${presented.port} presents ${presented.fingerprint}, not ${fingerprint}; nothing was trusted`, 'fingerprint');
        }
        this.inventory.trustKey(presented.host, presented.port, presented.key_type, presented.fingerprint, name);
      }
      record = this.inventory.update(name, { presented_key: null, state: 'ready', error: null });
      if (record.desired !== 'up') return this.wire(record);
      try {
        return this.wire(await this.bringUp(record));
      } catch (error) {
        if (error instanceof HostKeyError) return this.get(name);
        throw error;
      }
    });
  }

  up(name: string): Promise<Host> {
    return this.serial(name, async () => this.wire(await this.bringUp(this.inventory.update(name, { desired: 'up' }))));
  }

  upgrade(name: string): Promise<Host> {
    return this.up(name);
  }

  restart(name: string): Promise<Host> {
    return this.up(name);
  }

  /** Probe, install, choose how the agent reaches us, start it. */
  private async bringUp(record: HostRecord): Promise<HostRecord> {
    const name = record.name;
    const link = await this.connect(record);
    try {
      this.inventory.update(name, { state: 'bootstrapping', error: null, presented_key: null });
      const probe = await probeHost(link.client);
      this.inventory.update(name, { probe });
      const bundle = loadAgentBundle(this.options.agentBundle ?? defaultAgentBundlePath());
      const installed = await installAgentFiles({ client: link.client, probe, bundle, nodeCacheDir: this.nodeCacheDir() });
      await this.pruneSynced(link, probe.home);
      const { url, reach, tunnelPort } = await this.chooseReach(record, link, installed);
      const previousToken = record.token_id;
      const { token, record: tokenRecord } = this.options.coordinator.createToken({ name: `host:${name}`, scope: 'worker' });
      await launchAgent(link.client, probe, installed, { hostName: name, tags: [`host:${name}`, ...record.labels], maxJobs: record.max_jobs, gpus: record.gpus }, url, token);
      if (previousToken !== null) this.revokeQuietly(previousToken);
      return this.inventory.update(name, {
        state: 'starting',
        agent_version: bundle.version,
        agent_path: installed.agentFile,
        reach,
        tunnel_port: tunnelPort,
        token_id: tokenRecord.id,
      });
    } catch (error) {
      if (!(error instanceof HostKeyError)) this.inventory.update(name, stateForError(error as Error));
      throw error;
    } finally {
      link.client.end();
    }
  }

  private nodeCacheDir(): string | null {
    return this.options.nodeCacheDir === undefined ? (process.env.GANTRY_NODE_CACHE ?? null) : this.options.nodeCacheDir;
  }

  private async chooseReach(record: HostRecord, link: SshLink, installed: InstalledAgent): Promise<{ url: string; reach: 'direct' | 'tunnel'; tunnelPort: number | null }> {
    const direct = this.options.advertiseUrl?.() ?? process.env.GANTRY_ADVERTISE_URL ?? this.options.localUrl();
    this.tunnels.get(record.name)?.stop();
    this.tunnels.delete(record.name);
    // The agent sends its token over plain http:// only to its own host, so such an address elsewhere goes through the tunnel.
    if (carriesTokenSafely(direct) && (await hostReachesCoordinator(link.client, installed.node, direct))) return { url: direct, reach: 'direct', tunnelPort: null };
    const port = await this.openTunnel(record, record.tunnel_port ?? 0);
    return { url: `http://127.0.0.1:${port}`, reach: 'tunnel', tunnelPort: port };
  }

  private newKeeper(record: HostRecord, remotePort: number): TunnelKeeper {
    const keeper = new TunnelKeeper({
      open: () => this.connector.open(this.inventory.get(record.name)),
      localPort: () => Number(new URL(this.options.localUrl()).port),
      remotePort,
      initialBackoffMs: this.options.tunnelBackoffMs?.initial,
      maxBackoffMs: this.options.tunnelBackoffMs?.max,
      onChange: (up, reason) => this.recordTunnel(record.name, up, reason),
    });
    this.tunnels.set(record.name, keeper);
    return keeper;
  }

  private async openTunnel(record: HostRecord, remotePort: number): Promise<number> {
    const keeper = this.newKeeper(record, remotePort);
    try {
      return await keeper.start();
    } catch (error) {
      keeper.stop();
      this.tunnels.delete(record.name);
      throw error;
    }
  }

  private recordTunnel(name: string, up: boolean, reason: string | null): void {
    try {
      this.inventory.update(name, { error: up ? null : `tunnel down: ${reason}; reconnecting` });
    } catch {
      // The host was removed while its tunnel was reconnecting; its keeper is being stopped.
    }
  }

  private revokeQuietly(tokenId: number): void {
    try {
      this.options.coordinator.revokeToken(tokenId);
    } catch {
      // Already gone (tokens revoked by hand): nothing left to revoke.
    }
  }

  down(name: string, options: { now: boolean }): Promise<Host> {
    return this.serial(name, async () => {
      const record = this.inventory.update(name, { desired: 'down' });
      const busy = record.worker_id !== null && record.state !== 'offline' && this.runningJobs(record.worker_id) > 0;
      if (!options.now && busy && record.worker_id) {
        this.options.coordinator.setWorkerState(record.worker_id, 'draining');
        this.draining.add(name);
        return this.get(name);
      }
      return this.wire(await this.stopAgent(record));
    });
  }

  private runningJobs(workerId: string): number {
    return this.options.coordinator.countJobs({ worker_id: workerId }).running ?? 0;
  }

  private finishDrains(): void {
    for (const name of [...this.draining]) {
      let record: HostRecord;
      try {
        record = this.inventory.get(name);
      } catch {
        this.draining.delete(name);
        continue;
      }
      if (record.desired !== 'down') this.draining.delete(name);
      else if (!record.worker_id || this.runningJobs(record.worker_id) === 0) {
        this.draining.delete(name);
        void this.serial(name, () => this.stopAgent(this.inventory.get(name))).catch(() => undefined);
      }
    }
  }

  private async stopAgent(record: HostRecord): Promise<HostRecord> {
    if (record.probe) {
      await this.withConnection(record, (link) => stopRemoteAgent(link.client, remoteLayout(record.probe!.home)));
    }
    this.tunnels.get(record.name)?.stop();
    this.tunnels.delete(record.name);
    return this.inventory.update(record.name, { state: 'ready', error: null });
  }

  private async withConnection<T>(record: HostRecord, fn: (link: SshLink) => Promise<T>): Promise<T> {
    const link = await this.connect(record);
    try {
      return await fn(link);
    } finally {
      link.client.end();
    }
  }

  remove(name: string): Promise<RemovedHost> {
    return this.serial(name, async () => {
      const record = this.inventory.get(name);
      this.draining.delete(name);
      this.tunnels.get(name)?.stop();
      this.tunnels.delete(name);
      let warning: string | null = null;
      try {
        const probe = record.probe;
        if (probe) {
          await this.connector.with(record, async (link) => {
            const layout = remoteLayout(probe.home);
            await stopRemoteAgent(link.client, layout);
            await removeGantryDir(link.client, layout);
          });
        }
      } catch (error) {
        warning = `the host was not cleaned (${(error as Error).message}); remove ~/.gantry there by hand`;
      }
      if (record.token_id !== null) this.revokeQuietly(record.token_id);
      this.options.secrets.delete(passphraseKey(name));
      this.inventory.remove(name);
      return { removed: true, cleaned: warning === null && record.probe !== null, warning };
    });
  }

  async logs(name: string, lines: number): Promise<string> {
    const record = this.inventory.get(name);
    if (!record.probe) throw new ConflictError(`host ${name} has not been probed yet: it has no agent log`, 'name');
    const home = record.probe.home;
    return this.withConnection(record, (link) => tailAgentLog(link.client, remoteLayout(home), lines));
  }

  exec(name: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = commandLine(argv);
    return this.withConnection(this.inventory.get(name), (link) => execRemote(link.client, line, options.timeoutMs, options.stdin));
  }

  sync(name: string, input: unknown): Promise<HostSyncResult> {
    const record = this.inventory.get(name);
    const home = record.probe?.home;
    if (!home) throw new ConflictError(`host ${name} has not been probed yet: bring it up (gantry hosts up ${name}) before syncing to it`, 'name');
    const { dir } = parseOrThrow(HostSync, input);
    // In the host's queue: two syncs of one tree never upload it twice, and pruning never races an upload.
    return this.serial(name, async () => {
      // The connection opens while the directory is walked.
      const [walked, link] = await Promise.allSettled([walkLocalTree(dir), this.connect(record)]);
      if (walked.status === 'rejected') {
        if (link.status === 'fulfilled') link.value.client.end();
        throw walked.reason;
      }
      if (link.status === 'rejected') throw link.reason;
      try {
        const result = await syncWorkDir(link.value.client, home, walked.value);
        await this.pruneSynced(link.value, home, [result.hash]);
        return result;
      } finally {
        link.value.client.end();
      }
    });
  }

  /** Removes old synced copies, never one an unfinished job runs in (nor `keepToo`, about to get its jobs). */
  private async pruneSynced(link: SshLink, home: string, keepToo: string[] = []): Promise<string[]> {
    const inUse = new Set(keepToo);
    for (const cwd of this.inventory.syncedCwdsInUse()) {
      const hash = syncHashOf(cwd);
      if (hash) inUse.add(hash);
    }
    return pruneSyncCopies(link.client, posix.join(remoteLayout(home).root, 'sync'), this.syncKeep, [...inUse]);
  }

  async shell(name: string, size: ShellSize): Promise<RemoteShell> {
    return openRemoteShell(await this.connect(this.inventory.get(name)), size);
  }

  resume(): void {
    for (const record of this.inventory.list()) {
      if (record.reach !== 'tunnel' || record.desired !== 'up' || record.tunnel_port === null || this.tunnels.has(record.name)) continue;
      if (!['starting', 'online', 'offline', 'draining'].includes(record.state)) continue;
      // The agent was told this port: ask for the same one, retrying with backoff until the host is back.
      this.newKeeper(record, record.tunnel_port).keepTrying();
    }
  }

  close(): void {
    this.unsubscribe();
    for (const keeper of this.tunnels.values()) keeper.stop();
    this.tunnels.clear();
  }
}
