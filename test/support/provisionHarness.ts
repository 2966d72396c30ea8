import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoordinator, createFileSecretStore, type Coordinator, type CoordinatorOptions, type SecretStore } from '../../src/core';
import { createHostService, createSlurmService, type HostService, type HostServiceOptions, type SlurmService } from '../../src/provision';
import { ensureAdminToken, startServer, type RunningServer } from '../../src/server';
import type { TestSshd } from './sshd';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const AGENT_BUNDLE = join(ROOT, 'out', 'agent', 'gantry-agent.js');

/** Builds the agent bundle once if this checkout has none (CI builds it before the tests). */
export function ensureAgentBundle(): string {
  if (!existsSync(AGENT_BUNDLE)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-agent.mjs')], { cwd: ROOT });
  return AGENT_BUNDLE;
}

export interface ProvisionHarness {
  coordinator: Coordinator;
  server: RunningServer;
  hosts: HostService;
  /**
   * The one Slurm service on this coordinator, the server's too (its routes use it); not started:
   * a test starts it or runs its passes itself. A second one, with the server's default
   * ~/.ssh/known_hosts, would write its host-key error over the cluster's every pass.
   */
  slurm: SlurmService;
  secrets: SecretStore;
  knownHosts: string;
  dataDir: string;
  /** Replaces the host service with a fresh one on the same coordinator, as a coordinator restart does. */
  restartHostService(): HostService;
  /** The `hosts add` body for a test sshd. */
  hostSpec(name: string, sshd: TestSshd, extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

/** A real coordinator and server on loopback with a host service using throwaway known_hosts and secrets. */
export async function startProvisionHarness(options: Partial<HostServiceOptions> = {}, slurmOptions: { pollMs?: number } = {}): Promise<ProvisionHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-provision-'));
  // Agents beat every 3 s, and a beat from a host rides SSH (a tunnel, a jump): 5 s of silence left
  // under 2 s for a round trip, which a loaded machine or a dropped link outlasts, and the worker
  // went offline with its jobs lost (reverseTunnel.test.ts in full runs). 15 s is five beats.
  const coordinator = createCoordinator({ dataDir, sweepIntervalMs: 500, workerTimeoutMs: 15_000 });
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'));
  const knownHosts = join(dataDir, 'known_hosts');
  // What the Slurm service and the host service share: throwaway known_hosts and secrets, no ssh-agent, no node cache.
  const common = {
    coordinator,
    secrets,
    localUrl: () => server.url,
    agentBundle: ensureAgentBundle(),
    knownHostsFiles: [knownHosts],
    agentSocket: null,
    nodeCacheDir: null,
  };
  const slurm = createSlurmService({ ...common, pollMs: slurmOptions.pollMs ?? 300 });
  // The server builds a host service of its own (its routes, resuming hosts at start); it gets the same
  // throwaway known_hosts, so it never judges a test's host by the machine's ~/.ssh/known_hosts.
  const { agentBundle, knownHostsFiles, agentSocket, nodeCacheDir } = common;
  const server = await startServer({ coordinator, logger: false, slurm: { service: slurm }, hosts: { agentBundle, knownHostsFiles, agentSocket, nodeCacheDir } });
  const makeHosts = (): HostService => createHostService({
    ...common,
    keepaliveIntervalMs: 1_000,
    tunnelBackoffMs: { initial: 200, max: 2_000 },
    ...options,
  });
  const harness: ProvisionHarness = {
    coordinator,
    server,
    hosts: makeHosts(),
    slurm,
    secrets,
    knownHosts,
    dataDir,
    restartHostService() {
      harness.hosts.close();
      harness.hosts = makeHosts();
      return harness.hosts;
    },
    hostSpec: (name, sshd, extra = {}) => ({ name, ssh: { user: sshd.user, host: sshd.host, port: sshd.port }, identity_file: sshd.identityFile, ...extra }),
    async close() {
      harness.hosts.close();
      slurm.close();
      await server.close();
      coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Stops the agent a test started on its sshd, by the pid it recorded (it runs detached, so ending SSH does not end it). */
export function killAgentUnder(home: string): void {
  const pidFile = join(home, '.gantry', 'run', 'agent.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A coordinator and its server with the hosts routes, driven the way users do: the CLI or REST with an admin token. */
export interface HostsServer {
  coordinator: Coordinator;
  server: RunningServer;
  dataDir: string;
  /** Gantry's known_hosts for this server (the user's is never read). */
  knownHosts: string;
  admin: string;
  /** GANTRY_URL and GANTRY_TOKEN for `gantry` commands against this server. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * Starts a HostsServer in a fresh data dir; the keys of `trusted` sshds are written to its
 * known_hosts first, so hosts on them come up without the fingerprint step.
 */
export async function startHostsServer(options: { prefix?: string; trusted?: TestSshd[]; coordinator?: Partial<CoordinatorOptions> } = {}): Promise<HostsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix ?? 'gantry-hosts-'));
  const knownHosts = join(dataDir, 'known_hosts');
  writeFileSync(knownHosts, (options.trusted ?? []).map((sshd) => `[${sshd.host}]:${sshd.port} ${sshd.hostKeyLine}\n`).join(''));
  const coordinator = createCoordinator({ ...options.coordinator, dataDir });
  const server = await startServer({ coordinator, logger: false, hosts: { agentBundle: ensureAgentBundle(), knownHostsFiles: [knownHosts], agentSocket: null, nodeCacheDir: null } });
  const admin = ensureAdminToken(coordinator, dataDir).token;
  return {
    coordinator,
    server,
    dataDir,
    knownHosts,
    admin,
    env: { GANTRY_URL: server.url, GANTRY_TOKEN: admin },
    async close() {
      await server.close();
      coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
