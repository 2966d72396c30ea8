import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { baseEnv, spawnAgent, type AgentProcess } from './agentProcess';

/** A self-signed certificate for 127.0.0.1, made fresh for the test. */
function selfSignedCertificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

/** Terminates TLS in front of the plain-HTTP server, as a reverse proxy would. */
async function tlsProxy(target: string, files: { key: string; cert: string }): Promise<{ url: string; server: TlsServer }> {
  const { port, hostname } = new URL(target);
  const server = createTlsServer({ key: readFileSync(files.key), cert: readFileSync(files.cert) }, (socket) => {
    const upstream = connect(Number(port), hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('how the agent reaches its coordinator', () => {
  let server: CoordinatorServer | undefined;
  let proxy: TlsServer | undefined;
  let agent: AgentProcess | undefined;

  afterEach(async () => {
    if (agent) await stopChild(agent.proc, { signal: 'SIGKILL' });
    agent = undefined;
    proxy?.close();
    proxy = undefined;
    await server?.close();
    server = undefined;
  });

  const spoolDir = (): string => mkdtempSync(join(tmpdir(), 'gantry-transport-'));

  it('runs jobs through an https:// URL whose self-signed certificate --ca-file trusts', async () => {
    server = await startCoordinatorServer();
    const dir = mkdtempSync(join(tmpdir(), 'gantry-tls-'));
    const files = selfSignedCertificate(dir);
    const tls = await tlsProxy(server.url, files);
    proxy = tls.server;
    agent = spawnAgent(['--url', tls.url, '--ca-file', files.cert, '--name', 'tls-worker', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: server.workerToken });
    const s = server;
    const job = s.coordinator.submit({ command: { shell: 'echo over tls; printf %s "$GANTRY_API"' } });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', `the job to run over https (agent log: ${agent?.stderr()})`);
    expect(s.coordinator.readLog(job.id, 1).data.toString()).toBe(`over tls\n${tls.url}`);
  });

  it('refuses a certificate it was not told to trust, and says why in its log', async () => {
    server = await startCoordinatorServer();
    const files = selfSignedCertificate(mkdtempSync(join(tmpdir(), 'gantry-tls-')));
    const tls = await tlsProxy(server.url, files);
    proxy = tls.server;
    agent = spawnAgent(['--url', tls.url, '--name', 'tls-worker', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: server.workerToken });
    await waitFor(() => agent?.stderr().includes('registration failed'), 'a failed registration');
    expect(agent.stderr()).toMatch(/self[- ]signed certificate/i);
    expect(server.coordinator.listWorkers()).toEqual([]);
  });

  it('refuses to send its token over plain http:// to another host without --insecure-http, saying why', async () => {
    agent = spawnAgent(['--url', 'http://gpu-coordinator.example:7878', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: 'gantry_worker_secret' });
    expect(await agent.exited).toBe(2);
    expect(agent.stderr()).toContain('refusing to send the worker token in clear to gpu-coordinator.example:7878');
    expect(agent.stderr()).toContain('--insecure-http');
  });

  it('with --insecure-http goes ahead and tries to reach a non-loopback http:// URL', async () => {
    // A name under .invalid never resolves: the agent gets as far as trying, which is all this pins.
    agent = spawnAgent(['--url', 'http://coordinator.invalid:7878', '--insecure-http', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: 'gantry_worker_secret' });
    await waitFor(() => agent?.stderr().includes('registration failed'), 'a registration attempt');
    expect(agent.stderr()).not.toContain('refusing');
  });
});
