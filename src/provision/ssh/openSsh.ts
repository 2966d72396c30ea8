import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { SshClient } from './ssh2Module';
import type { SshEndpoint } from '../../shared';
import { HostKeyError, SshAuthError, SshUnreachableError } from '../errors';
import type { KeyVerdict } from './hostKeyPolicy';
import { authMethods, type SshAuth } from './sshAuth';

export interface OpenSshOptions {
  /** ProxyJump hops, first to last, then the host itself. */
  chain: SshEndpoint[];
  auth: SshAuth;
  checkHostKey: (endpoint: SshEndpoint, keyBlob: Buffer) => KeyVerdict;
  readyTimeoutMs?: number;
  /** SSH-level keepalives: a dead link is noticed after interval × count. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

export interface SshLink {
  /** The connection to the last hop (the host). */
  client: Client;
  /** Every client of the chain, first hop first. */
  hops: Client[];
}

function describe(endpoint: SshEndpoint): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}

function classify(endpoint: SshEndpoint, error: Error & { level?: string; code?: string }, rejected: KeyVerdict | null, authDescribed: string): Error {
  if (rejected && !rejected.trusted) return new HostKeyError(rejected.presented);
  if (error.level === 'client-authentication') return new SshAuthError(`${describe(endpoint)} refused ${authDescribed} (publickey authentication failed)`);
  const reason = error.code ?? error.message;
  return new SshUnreachableError(`cannot reach ${describe(endpoint)}: ${reason}`);
}

/** One hop: connects (directly or over `sock`), checks the host key, logs in. */
function connectHop(endpoint: SshEndpoint, options: OpenSshOptions, sock: Duplex | undefined): Promise<Client> {
  const { methods, described } = authMethods(endpoint.user, options.auth);
  return new Promise((resolve, reject) => {
    const client: Client = new SshClient();
    let rejected: KeyVerdict | null = null;
    let settled = false;
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      authHandler: methods,
      readyTimeout: options.readyTimeoutMs ?? 15_000,
      keepaliveInterval: options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      hostVerifier: (key: Buffer) => {
        const verdict = options.checkHostKey(endpoint, key);
        if (!verdict.trusted) rejected = verdict;
        return verdict.trusted;
      },
      ...(sock ? { sock } : {}),
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(classify(endpoint, error, rejected, described));
    });
    client.connect(config);
  });
}

function forwardOut(client: Client, endpoint: SshEndpoint, via: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, endpoint.host, endpoint.port, (error, stream) => {
      if (error) reject(new SshUnreachableError(`jump host ${describe(via)} cannot reach ${describe(endpoint)}: ${error.message}`));
      else resolve(stream);
    });
  });
}

/**
 * Opens an SSH connection to the last endpoint of the chain, each hop tunnelled through the one
 * before (ProxyJump done with ssh2's forwardOut + sock). Every hop's host key is checked, and the
 * keys stay on this machine: a jump host never sees them or needs them.
 */
export async function openSsh(options: OpenSshOptions): Promise<SshLink> {
  const hops: Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (let i = 0; i < options.chain.length; i++) {
      const endpoint = options.chain[i];
      if (i > 0) sock = await forwardOut(hops[i - 1], endpoint, options.chain[i - 1]);
      hops.push(await connectHop(endpoint, options, sock));
    }
  } catch (error) {
    for (const hop of hops.reverse()) hop.end();
    throw error;
  }
  const client = hops[hops.length - 1];
  // Closing the host's connection closes the hops it rode on.
  client.once('close', () => {
    for (const hop of hops.slice(0, -1).reverse()) hop.end();
  });
  return { client, hops };
}
