import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Coordinator } from '../../../src/core';
import { hostShellPath } from '../../../src/shared';
import type { RunningServer } from '../../../src/server';
import { waitFor } from '../../support/waitFor';
import { runGantry, stdoutText } from '../cli/harness';
import { startHostsServer, type HostsServer } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

/** A shell socket and everything it received: output bytes and the text messages. */
function openShell(url: string, token: string, size = { cols: 80, rows: 24 }) {
  const target = new URL(hostShellPath('box'), url);
  target.protocol = 'ws:';
  target.searchParams.set('cols', String(size.cols));
  target.searchParams.set('rows', String(size.rows));
  const socket = new WebSocket(target, { headers: { authorization: `Bearer ${token}` } });
  const received = { output: '', messages: [] as Array<Record<string, unknown>>, closed: false, status: null as number | null };
  socket.on('message', (data, binary) => {
    if (binary) received.output += data.toString();
    else received.messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  socket.on('unexpected-response', (_request, response) => {
    received.status = response.statusCode ?? null;
    socket.terminate();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (received.closed = true));
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const type = async (text: string) => {
    await opened;
    socket.send(Buffer.from(text), { binary: true });
  };
  return { socket, received, type };
}

describe('the remote shell: gantry hosts shell and its WebSocket', () => {
  let sshd: TestSshd;
  let hs: HostsServer;
  let coordinator: Coordinator;
  let server: RunningServer;
  let admin: string;

  beforeAll(async () => {
    sshd = await startSshd();
    hs = await startHostsServer({ prefix: 'gantry-shell-' });
    ({ coordinator, server, admin } = hs);
    const added = await runGantry(['hosts', 'add', 'box', '--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--identity', sshd.identityFile], hs.env);
    expect(added.code, added.stderr).toBe(0);
    // Trusted straight in the store: the shell needs the key trusted, not an agent running.
    const key = coordinator.hosts.get('box').presented_key!;
    coordinator.hosts.trustKey(key.host, key.port, key.key_type, key.fingerprint);
  }, 120_000);
  afterAll(async () => {
    await hs?.close();
    await sshd?.stop();
  });

  it('runs what is typed in a login shell with a pty, follows a resize, and reports the exit status', async () => {
    const shell = openShell(server.url, admin, { cols: 90, rows: 20 });
    await shell.type('echo marker-$((6*7)); stty size\r');
    await waitFor(() => shell.received.output.includes('marker-42') && shell.received.output.includes('20 90'), 'the echo and the first size', 30_000);
    shell.socket.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    await shell.type('stty size\r');
    await waitFor(() => shell.received.output.includes('40 120'), 'the size after the resize', 30_000);
    await shell.type('exit 5\r');
    await waitFor(() => shell.received.closed, 'the socket to close after exit', 30_000);
    expect(shell.received.messages).toContainEqual({ type: 'exit', code: 5, signal: null });
  });

  it('refuses a read token, a missing token and an unknown host before the upgrade', async () => {
    const read = coordinator.createToken({ name: 'dash', scope: 'read' }).token;
    const asRead = openShell(server.url, read);
    await waitFor(() => asRead.received.closed, 'the read token refused');
    expect(asRead.received.status).toBe(403);
    expect(asRead.received.output).toBe('');

    const anonymous = openShell(server.url, '');
    await waitFor(() => anonymous.received.closed, 'no token refused');
    expect(anonymous.received.status).toBe(401);

    const target = new URL(hostShellPath('nope'), server.url);
    target.protocol = 'ws:';
    const unknown = new WebSocket(target, { headers: { authorization: `Bearer ${admin}` } });
    const status = await new Promise<number | undefined>((resolve) => {
      unknown.on('unexpected-response', (_request, response) => resolve(response.statusCode));
      unknown.on('open', () => resolve(101));
      unknown.on('error', () => undefined);
    });
    unknown.terminate();
    expect(status).toBe(404);
  });

  it('closes an open shell when its token is revoked', async () => {
    const created = coordinator.createToken({ name: 'short-lived', scope: 'admin' });
    const shell = openShell(server.url, created.token);
    await shell.type('echo up-$((1+1))\r');
    await waitFor(() => shell.received.output.includes('up-2'), 'the shell to answer', 30_000);
    coordinator.revokeToken(created.record.id);
    await waitFor(() => shell.received.closed, 'the shell to close after the revoke', 30_000);
  });

  it('gantry hosts shell echoes a command and exits with the remote status', async () => {
    const result = await runGantry(['hosts', 'shell', 'box'], { GANTRY_URL: server.url, GANTRY_TOKEN: admin }, 'echo cli-$((6*7))\nexit 3\n');
    expect(stdoutText(result)).toContain('cli-42');
    expect(result.code).toBe(3);

    const refused = await runGantry(['hosts', 'shell', 'box'], { GANTRY_URL: server.url, GANTRY_TOKEN: coordinator.createToken({ name: 'ro', scope: 'read' }).token }, 'true\n');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/read token may not do this/);
  }, 120_000);
});
