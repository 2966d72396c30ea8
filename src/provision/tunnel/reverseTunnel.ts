import { connect, type Socket } from 'node:net';
import type { Client } from 'ssh2';
import { RemoteCommandError } from '../errors';

/** The coordinator-side sockets of each connection's forwarded connections. */
const forwarded = new WeakMap<Client, Set<Socket>>();

/**
 * Hangs up the coordinator's side of every forwarded connection of this SSH connection at once.
 * ssh2 closes its channels only once the SSH socket has closed, a while after the agent on the host
 * already saw its connections drop; until then the server would keep the agent's parked claim
 * long-poll and could hand a job to it, a reply nobody reads. Hanging up first releases it.
 */
function hangUpForwarded(client: Client): void {
  const sockets = forwarded.get(client);
  if (!sockets) return;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/**
 * Asks the host's sshd to listen on its own 127.0.0.1:`remotePort` (0: any) and carries each
 * connection to the coordinator on this machine's `localPort`: the agent's HTTP rides the SSH
 * connection, so the host never needs a route to the laptop. Resolves with the bound port.
 */
export function openReverseTunnel(client: Client, remotePort: number, localPort: number): Promise<number> {
  const sockets = new Set<Socket>();
  forwarded.set(client, sockets);
  client.once('close', () => hangUpForwarded(client));
  client.on('tcp connection', (_info, accept) => {
    const channel = accept();
    const socket = connect(localPort, '127.0.0.1');
    sockets.add(socket);
    channel.pipe(socket).pipe(channel);
    const end = (): void => {
      sockets.delete(socket);
      socket.destroy();
      channel.destroy();
    };
    socket.on('error', end);
    channel.on('error', end);
    socket.on('close', end);
    channel.on('close', end);
  });
  return new Promise((resolve, reject) => {
    client.forwardIn('127.0.0.1', remotePort, (error, bound) => {
      if (error) reject(new RemoteCommandError(`the host refused a remote forward on 127.0.0.1:${remotePort}: ${error.message}`));
      else resolve(remotePort === 0 ? bound : remotePort);
    });
  });
}

/** Ends a tunnel's SSH connection, its forwarded connections first (see hangUpForwarded). */
export function closeReverseTunnel(client: Client): void {
  hangUpForwarded(client);
  client.end();
}
