import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePort, PortInUseError } from '../../../src/main/network/choosePort';

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('choosePort', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('picks a free port on loopback when none is configured', async () => {
    const port = await choosePort({ host: '127.0.0.1' });
    expect(port).toBeGreaterThan(0);
    const again = createServer();
    servers.push(again);
    await new Promise<void>((resolve, reject) => { again.once('error', reject); again.listen(port, '127.0.0.1', resolve); });
  });

  it('returns the configured port when it is free', async () => {
    const { server, port } = await occupy();
    await new Promise((r) => server.close(r));
    expect(await choosePort({ host: '127.0.0.1', configured: port })).toBe(port);
  });

  it('refuses a configured port another server holds instead of silently moving', async () => {
    const { server, port } = await occupy();
    servers.push(server);
    await expect(choosePort({ host: '127.0.0.1', configured: port })).rejects.toBeInstanceOf(PortInUseError);
    await expect(choosePort({ host: '127.0.0.1', configured: port })).rejects.toThrow(new RegExp(`port ${port}`));
  });
});
