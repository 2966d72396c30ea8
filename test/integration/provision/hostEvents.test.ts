import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HostEventData, WsServerMessage, type QueueEvent } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

/** Subscribes to the live socket from now on and keeps the host.* events it pushes. */
async function followHostEvents(serverUrl: string, token: string): Promise<{ events: QueueEvent[]; close(): void }> {
  const url = new URL('/api/v1/ws', serverUrl);
  url.protocol = 'ws:';
  url.searchParams.set('token', token);
  const socket = new WebSocket(url);
  const events: QueueEvent[] = [];
  let ponged = false;
  socket.on('message', (data) => {
    const message = WsServerMessage.parse(JSON.parse(data.toString()));
    if (message.type === 'event' && message.event.type.startsWith('host.')) events.push(message.event);
    if (message.type === 'pong') ponged = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));
  // The pong proves the subscription stands before the test acts.
  socket.send(JSON.stringify({ type: 'ping' }));
  await waitFor(() => ponged, 'the socket to answer the ping after subscribing');
  return { events, close: () => socket.close() };
}

const stateOf = (event: QueueEvent) => HostEventData.parse(event.data).host?.state;

describe('host.* events on the live WebSocket, with a real sshd host', () => {
  let h: ProvisionHarness;
  let sshd: TestSshd;
  let live: Awaited<ReturnType<typeof followHostEvents>>;

  beforeAll(async () => {
    [h, sshd] = await Promise.all([startProvisionHarness(), startSshd()]);
    const { token } = h.coordinator.createToken({ name: 'console', scope: 'read' });
    live = await followHostEvents(h.server.url, token);
  });
  afterAll(async () => {
    live?.close();
    if (sshd) killAgentUnder(sshd.home);
    await h?.close();
    await sshd?.stop();
  });

  it('pushes add → unknown key → trusted → bootstrapping → online → down → up → online as they happen', async () => {
    const added = await h.hosts.add(h.hostSpec('box', sshd));
    expect(added.state).toBe('unknown-key');
    await waitFor(() => live.events.some((e) => e.type === 'host.state' && stateOf(e) === 'unknown-key'), 'host.state unknown-key on the socket');
    expect(live.events[0]).toMatchObject({ type: 'host.added', data: { name: 'box', previous_state: null } });

    await h.hosts.trust('box', { fingerprint: added.presented_key!.fingerprint });
    await waitFor(() => live.events.some((e) => e.type === 'host.state' && stateOf(e) === 'online'), 'host.state online on the socket');
    const trusted = live.events.find((e) => e.type === 'host.trusted');
    expect(trusted?.data).toMatchObject({ name: 'box', fingerprint: added.presented_key!.fingerprint, endpoint: { host: sshd.host, port: sshd.port } });
    const states = live.events.filter((e) => e.type === 'host.state').map(stateOf);
    // `starting` is skipped when the agent registers before the bootstrap records it started.
    expect(states.slice(0, 3)).toEqual(['unknown-key', 'ready', 'bootstrapping']);
    expect(states.slice(3).filter((state) => state !== 'starting')[0]).toBe('online');
    const online = live.events.find((e) => e.type === 'host.state' && stateOf(e) === 'online')!;
    expect(online.worker_id).toBe(h.hosts.get('box').worker_id);
    expect(HostEventData.parse(online.data).host).toMatchObject({ reach: 'direct', probe: { home: sshd.home } });

    const before = live.events.length;
    await h.hosts.down('box', { now: true });
    await waitFor(() => live.events.slice(before).some((e) => e.type === 'host.state' && stateOf(e) === 'ready'), 'host.state ready after down');
    await h.hosts.up('box');
    await waitFor(() => live.events.slice(before).some((e) => e.type === 'host.state' && stateOf(e) === 'online'), 'host.state online after up');
    expect(live.events.slice(before).filter((e) => e.type === 'host.state').map(stateOf)).toContain('bootstrapping');
  });

  it('pushes host.removed when the host is removed', async () => {
    await h.hosts.remove('box');
    await waitFor(() => live.events.find((e) => e.type === 'host.removed'), 'host.removed on the socket');
  });
});
