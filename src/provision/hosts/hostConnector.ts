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
