import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is in use; free it or change "port" in the settings file`);
    this.name = 'PortInUseError';
  }
}

function listenOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => {
      const address = probe.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * The port the embedded server listens on: the user's configured one, or a free one the OS picks.
 * A configured port that is busy is an error rather than a silent fallback, because remote agents
 * and scripts were told that port and would quietly lose the coordinator.
 */
export async function choosePort(options: { host: string; configured?: number }): Promise<number> {
  const { host, configured } = options;
  if (configured === undefined) return listenOnce(host, 0);
  try {
    return await listenOnce(host, configured);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, configured);
    throw error;
  }
}
