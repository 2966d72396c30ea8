import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpRelayOptions {
  listenHost: string;
  /** 0: any free port. */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** Told of each connection carried. */
  onConnection?: (count: number, from: string) => void;
}

export interface TcpRelay {
  /** The port it listens on. */
  readonly port: number;
  /** Connections carried so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Pipes one accepted connection to the target, both ways. Half-open: one side's end is passed on
 * and the other direction goes on until it ends too; a failure on either side ends both.
 */
function pipeToTarget(socket: Socket, options: TcpRelayOptions): void {
  const target = connect({ port: options.targetPort, host: options.targetHost, allowHalfOpen: true });
  socket.pipe(target).pipe(socket);
  const end = (): void => {
    socket.destroy();
    target.destroy();
  };
  for (const side of [socket, target]) {
    side.on('error', end);
    side.on('close', end);
  }
}

/**
 * A byte relay: each connection to listenHost:listenPort is carried to targetHost:targetPort. On a
 * Slurm login node it joins what compute nodes can reach (the login node's cluster address) to
 * what they cannot (the coordinator's SSH remote forward on the login node's loopback). It reads
 * nothing of what it carries: HTTP and the worker credentials in it pass through untouched.
 */
export function startTcpRelay(options: TcpRelayOptions): Promise<TcpRelay> {
  let connections = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    options.onConnection?.(connections, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    pipeToTarget(socket, options);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, options.listenHost, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.listenPort;
      resolve({
        port,
        get connections() {
          return connections;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** `HOST:PORT` or `[V6]:PORT`; a missing port is 0 (any). */
export function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+))(?::(\d{1,5}))?$/.exec(text);
  const port = Number(match?.[3] ?? 0);
  if (!match || port > 65_535) throw new Error(`${flag} takes HOST:PORT, like 10.0.0.5:7879, not ${JSON.stringify(text)}`);
  return { host: match[1] ?? match[2], port };
}
