import type { Client, ClientChannel } from 'ssh2';
import { isLoopbackHost } from '../../shared';
import { RemoteCommandError } from '../errors';
import { shScript } from '../ssh/shellQuote';
import { openReverseTunnel } from '../tunnel/reverseTunnel';

export interface PilotRelayOptions {
  /** Node and the agent bundle on the login node. */
  node: string;
  agentFile: string;
  /** `HOST[:PORT]`: where the relay listens, the login node's address as the compute nodes reach it. */
  listen: string;
  /** The coordinator's port on this machine's loopback. */
  localPort: number;
  /** How long to wait for the relay to listen. */
  timeoutMs?: number;
}

export interface PilotRelay {
  /** The address pilots are given: `http://HOST:PORT` of the relay. */
  url: string;
  /** Connections the relay has carried, as it reported them. */
  readonly connections: number;
  close(): void;
}

/** The URL of `listening HOST:PORT`, the relay's first line. */
function relayUrl(line: string): string {
  const address = /^listening (\S+)$/.exec(line.trim())?.[1];
  if (!address) throw new RemoteCommandError(`the relay on the login node said ${JSON.stringify(line.trim())}, not where it listens`);
  return `http://${address}`;
}

/**
 * Pilots through the login node's forward: the coordinator's remote forward lands on the login
 * node's loopback, which compute nodes cannot reach, so the agent bundle runs there in relay mode,
 * listening on the login node's cluster-facing address and piping each connection to the forward.
 * Both ride the login node's SSH connection: the relay runs in an exec channel of it (not
 * detached) and exits when that channel closes, so it never outlives the forward it pipes to, and
 * the next connection starts a fresh pair. Its argv holds addresses only; pilots still read their
 * token from their 0600 file.
 */
export async function startPilotRelay(client: Client, options: PilotRelayOptions): Promise<PilotRelay> {
  const forwardPort = await openReverseTunnel(client, 0, options.localPort);
  const line = shScript('exec "$1" "$2" relay --listen "$3" --to "$4"', [options.node, options.agentFile, options.listen, `127.0.0.1:${forwardPort}`]);
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    client.exec(line, (error, opened) => (error ? reject(new RemoteCommandError(`cannot start the relay on the login node: ${error.message}`)) : resolve(opened)));
  });
  let connections = 0;
  let stderr = '';
  channel.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-2000);
    connections += (text.match(/relay: connection \d+/g) ?? []).length;
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      channel.close();
      reject(new RemoteCommandError(`the relay on the login node did not start listening: ${stderr.trim() || 'no output'}`));
    }, options.timeoutMs ?? 30_000);
    channel.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(out.slice(0, out.indexOf('\n')));
    });
    channel.on('close', () => {
      clearTimeout(timer);
      reject(new RemoteCommandError(`the relay on the login node exited: ${stderr.trim() || 'no output'}`));
    });
  });
  return {
    url: relayUrl(first),
    get connections() {
      return connections;
    },
    close: () => channel.close(),
  };
}

/** Pilots given a relay that is not on their own host send their token over the cluster's network in clear: they must be told that is meant. */
export function needsInsecureHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}
