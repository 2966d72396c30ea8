import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator, HostRecord, SecretStore } from '../../core';
import type { SshEndpoint } from '../../shared';
import { hostKeyChecker, type KeyVerdict } from '../ssh/hostKeyPolicy';
import { openSsh, type SshLink } from '../ssh/openSsh';

export interface ConnectorOptions {
  coordinator: Coordinator;
  secrets: SecretStore;
  knownHostsFiles: readonly string[];
  agentSocket: string | null;
  keepaliveIntervalMs?: number;
}

/** The SSH settings a service may leave out, each with its default. */
export interface ConnectorDefaults {
  coordinator: Coordinator;
  secrets: SecretStore;
  /** Default ~/.ssh/known_hosts. */
  knownHostsFiles?: readonly string[];
  /** Default SSH_AUTH_SOCK. */
  agentSocket?: string | null;
  keepaliveIntervalMs?: number;
}

/** A connector with the user's known_hosts and ssh-agent unless told otherwise (hosts and Slurm login nodes alike). */
export function connectorWithDefaults(options: ConnectorDefaults): HostConnector {
  return new HostConnector({
    coordinator: options.coordinator,
    secrets: options.secrets,
    knownHostsFiles: options.knownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts')],
    agentSocket: options.agentSocket === undefined ? (process.env.SSH_AUTH_SOCK ?? null) : options.agentSocket,
    keepaliveIntervalMs: options.keepaliveIntervalMs,
  });
}

export const passphraseKey = (hostName: string): string => `host.${hostName}.passphrase`;

/** Opens SSH connections to inventory hosts: their jump chain, their key, host keys checked. */
export class HostConnector {
  private readonly checkKey: (endpoint: SshEndpoint, blob: Buffer) => KeyVerdict;

  constructor(private readonly options: ConnectorOptions) {
    this.checkKey = hostKeyChecker(options.coordinator.hosts, options.knownHostsFiles);
  }

  open(host: HostRecord): Promise<SshLink> {
    return openSsh({
      chain: [...host.jump, host.ssh],
      auth: {
        identityFile: host.identity_file,
        passphrase: this.options.secrets.get(passphraseKey(host.name)),
        agentSocket: this.options.agentSocket,
      },
      checkHostKey: this.checkKey,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
    });
  }

  /** Runs `fn` on a fresh connection and closes it after. */
  async with<T>(host: HostRecord, fn: (link: SshLink) => Promise<T>): Promise<T> {
    const link = await this.open(host);
    try {
      return await fn(link);
    } finally {
      link.client.end();
    }
  }
}
