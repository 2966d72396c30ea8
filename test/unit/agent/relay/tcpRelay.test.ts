import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHostPort, startTcpRelay, type TcpRelay } from '../../../../src/agent/relay/tcpRelay';

describe('the login node\'s relay', () => {
  const closing: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  async function echoServer(): Promise<number> {
    const server: Server = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closing.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as { port: number }).port;
  }

  async function roundTrip(port: number, text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(text));
      let got = '';
      socket.on('data', (chunk) => (got += chunk.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
  }

  it('carries each connection to its target both ways, and counts them', async () => {
    const target = await echoServer();
    const seen: string[] = [];
    const relay: TcpRelay = await startTcpRelay({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: target, onConnection: (n) => seen.push(String(n)) });
    closing.unshift(() => relay.close());
    expect(relay.port).not.toBe(target);
    expect(await roundTrip(relay.port, 'POST /api/v1/workers/register')).toBe('POST /api/v1/workers/register');
    expect(await roundTrip(relay.port, 'second')).toBe('second');
    expect(relay.connections).toBe(2);
    expect(seen).toEqual(['1', '2']);
  });

  it('reads HOST:PORT, [IPv6]:PORT and a bare host, and names the flag of a bad one', () => {
    expect(parseHostPort('10.1.0.2:7879', '--listen')).toEqual({ host: '10.1.0.2', port: 7879 });
    expect(parseHostPort('[fd00::2]:7879', '--listen')).toEqual({ host: 'fd00::2', port: 7879 });
    expect(parseHostPort('login1', '--listen')).toEqual({ host: 'login1', port: 0 });
    expect(() => parseHostPort('a b:1', '--listen')).toThrow(/--listen takes HOST:PORT/);
    expect(() => parseHostPort('h:99999', '--to')).toThrow(/--to takes HOST:PORT/);
  });
});
