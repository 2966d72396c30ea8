import { connect } from 'node:net';
import type { Client } from 'ssh2';
import { RemoteCommandError } from '../errors';

/**
 * Asks the host's sshd to listen on its own 127.0.0.1:`remotePort` (0: any) and carries each
 * connection to the coordinator on this machine's `localPort`: the agent's HTTP rides the SSH
 * connection, so the host never needs a route to the laptop. Resolves with the bound port.
 */
export function openReverseTunnel(client: Client, remotePort: number, localPort: number): Promise<number> {
  client.on('tcp connection', (_info, accept) => {
    const channel = accept();
    const socket = connect(localPort, '127.0.0.1');
    channel.pipe(socket).pipe(channel);
    const end = (): void => {
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
