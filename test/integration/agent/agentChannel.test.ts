import { mkdtempSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { baseEnv, spawnAgent, type AgentProcess } from './agentProcess';

interface Proxy {
  url: string;
  server: Server;
  /** Open connections that asked to upgrade to the agent channel. */
  channels: Set<Socket>;
  /** How many channel connections were opened through the proxy so far. */
  opened(): number;
}

interface ProxyOptions {
  /** Answer every upgrade with 403, as a proxy without WebSocket support. */
  refuseUpgrades?: boolean;
  /** Cut the channel at the first reply from the coordinator that hands out a job whose command holds this, without passing it on. */
  swallowClaimOf?: string;
}

/**
 * A TCP proxy in front of the coordinator, as a network path the test controls: it can cut the
 * agent channel's connections (a network drop), or refuse every upgrade (a proxy without WebSocket).
 */
async function tcpProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const { port, hostname } = new URL(target);
  const channels = new Set<Socket>();
  let opened = 0;
  let swallow = options.swallowClaimOf;
  const server = createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      const upgrade = /^GET \S+\/channel HTTP/.test(first.toString('latin1', 0, 200));
      if (upgrade && options.refuseUpgrades) {
        socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), hostname);
      upstream.write(first);
      socket.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        // A reply that carries the job: the coordinator has claimed it by now.
        if (upgrade && swallow !== undefined && chunk.includes(swallow)) {
          swallow = undefined;
          upstream.destroy();
          socket.destroy();
          return;
        }
        socket.write(chunk);
      });
      if (upgrade) {
        opened++;
        channels.add(socket);
        socket.once('close', () => channels.delete(socket));
      }
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, channels, opened: () => opened };
}

/** Calls the coordinator answered over agent channels so far, from its Prometheus metrics. */
async function channelCalls(url: string, adminToken: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
  return [...text.matchAll(/^gantry_agent_channel_calls_total\{[^}]*\} (\d+)/gm)].reduce((total, match) => total + Number(match[1]), 0);
}

/** Heartbeats the coordinator answered over agent channels so far. */
async function channelHeartbeats(url: string, adminToken: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
  return [...text.matchAll(/^gantry_agent_channel_calls_total\{[^}]*route="[^"]*\/heartbeat"[^}]*\} (\d+)/gm)].reduce((total, match) => total + Number(match[1]), 0);
}

describe('the agent channel, from the agent', () => {
  let server: CoordinatorServer | undefined;
  let proxy: Proxy | undefined;
  let agent: AgentProcess | undefined;

  afterEach(async () => {
    if (agent) await stopChild(agent.proc, { signal: 'SIGKILL' });
    agent = undefined;
    proxy?.server.close();
    for (const socket of proxy?.channels ?? []) socket.destroy();
    proxy = undefined;
    await server?.close();
    server = undefined;
  });

  const spoolDir = (): string => mkdtempSync(join(tmpdir(), 'gantry-channel-'));

  it('runs its jobs over the channel, falls back to HTTP when the socket drops, opens it again, and loses no result', async () => {
    server = await startCoordinatorServer();
    const s = server;
    const admin = s.coordinator.createToken({ name: 'admin', scope: 'admin' }).token;
    proxy = await tcpProxy(s.url);
    const p = proxy;
    agent = spawnAgent(['--url', p.url, '--name', 'channel-worker', '--max-jobs', '2', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: s.workerToken });
    const log = (): string => agent?.stderr() ?? '';
    await waitFor(() => p.channels.size > 0, `the agent to open its channel (agent log: ${log()})`);

    // Three rounds: jobs run, the reopened channel carries calls, and it is cut while they run.
    let calls = 0;
    const jobs: number[] = [];
    for (let round = 1; round <= 3; round++) {
      await waitFor(() => p.opened() === round && p.channels.size > 0, `the agent to open its channel again (agent log: ${log()})`, 60_000);
      jobs.push(...Array.from({ length: 6 }, () => s.coordinator.submit({ command: { shell: 'sleep 0.2' } }).id));
      calls = await waitFor(async () => {
        const now = await channelCalls(s.url, admin);
        return now > calls ? now : 0;
      }, `calls over the reopened channel (agent log: ${log()})`);
      for (const socket of p.channels) socket.destroy();
    }
    await waitFor(() => jobs.every((id) => s.coordinator.getJob(id).state === 'succeeded'), `every job to succeed (agent log: ${log()})`, 90_000);
    expect(log()).toContain('agent channel closed; HTTP meanwhile');
  });

  it('sends its heartbeats over the channel while it is open', async () => {
    server = await startCoordinatorServer();
    const s = server;
    const admin = s.coordinator.createToken({ name: 'admin', scope: 'admin' }).token;
    agent = spawnAgent(['--url', s.url, '--name', 'beating-worker', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: s.workerToken });
    await waitFor(async () => (await channelHeartbeats(s.url, admin)) > 0, `a heartbeat over the channel (agent log: ${agent?.stderr()})`, 60_000);
  });

  it('hands back a job whose claim reply the drop lost: it runs again instead of staying claimed', async () => {
    server = await startCoordinatorServer();
    const s = server;
    proxy = await tcpProxy(s.url, { swallowClaimOf: 'claim-reply-lost' });
    const p = proxy;
    agent = spawnAgent(['--url', p.url, '--name', 'lossy-worker', '--max-jobs', '1', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: s.workerToken });
    await waitFor(() => p.channels.size > 0, `the agent to open its channel (agent log: ${agent?.stderr()})`);
    // With its one slot busy, the agent takes the next job over the channel (with the first one's result, or to prefetch).
    const first = s.coordinator.submit({ command: { shell: 'sleep 1' } });
    await waitFor(() => s.coordinator.getJob(first.id).state === 'running', `the first job to start (agent log: ${agent?.stderr()})`);
    const job = s.coordinator.submit({ command: { shell: 'echo claim-reply-lost' } });
    // Heartbeats renew the leases of every attempt the worker holds: without the hand-back the job would stay running for good.
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', `the job to run after its claim reply was lost (agent log: ${agent?.stderr()})`, 60_000);
    const attempts = s.coordinator.listAttempts(job.id);
    expect(attempts.map((a) => a.outcome)).toEqual(['lost', 'succeeded']);
  });

  it('uses HTTP alone when a proxy refuses the upgrade', async () => {
    server = await startCoordinatorServer();
    const s = server;
    const admin = s.coordinator.createToken({ name: 'admin', scope: 'admin' }).token;
    proxy = await tcpProxy(s.url, { refuseUpgrades: true });
    agent = spawnAgent(['--url', proxy.url, '--name', 'no-ws-worker', '--spool-dir', spoolDir()], { ...baseEnv(), GANTRY_AGENT_TOKEN: s.workerToken });
    const job = s.coordinator.submit({ command: { shell: 'echo plain http' } });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', `the job to run over HTTP (agent log: ${agent?.stderr()})`);
    expect(s.coordinator.readLog(job.id, 1).data.toString()).toBe('plain http\n');
    expect(await channelCalls(s.url, admin)).toBe(0);
    expect(agent.stderr()).toContain('refused the agent channel: HTTP 403');
  });
});
