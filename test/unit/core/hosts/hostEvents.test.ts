import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostEventData, type QueueEvent } from '../../../../src/shared';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
let seen: number;
beforeEach(() => {
  h = openHarness();
  seen = h.c.lastEventId();
});
afterEach(() => h.cleanup());

/** The host.* events since the last call, with their data checked against the shared schema. */
function hostEvents(): Array<QueueEvent & { data: HostEventData }> {
  const events = h.c.eventsSince(seen, 10_000);
  seen = h.c.lastEventId();
  return events.filter((e) => e.type.startsWith('host.')).map((e) => ({ ...e, data: HostEventData.parse(e.data) }));
}

const spec = { name: 'box', ssh: { user: 'me', host: '10.0.0.7', port: 2222 } };

describe('host.* events', () => {
  it('records a new host as host.added and adding it again as host.updated, with the host as GET shows it', () => {
    h.c.hosts.save(spec);
    const [added] = hostEvents();
    expect(added).toMatchObject({ type: 'host.added', data: { name: 'box', previous_state: null, host: { name: 'box', state: 'ready', ssh: { port: 2222 } } } });
    expect(added.data.host).not.toHaveProperty('token_id');
    expect(added.data.host).not.toHaveProperty('has_passphrase');
    h.c.hosts.save({ ...spec, labels: ['big'] });
    expect(hostEvents()).toMatchObject([{ type: 'host.updated', data: { previous_state: 'ready', host: { labels: ['big'] } } }]);
  });

  it('records a change of state or error as host.state naming the previous state, and nothing for an update that changes neither', () => {
    h.c.hosts.save(spec);
    hostEvents();
    h.c.hosts.update('box', { state: 'bootstrapping', error: null });
    h.c.hosts.update('box', { probe: null });
    h.c.hosts.update('box', { state: 'unreachable', error: 'connect ECONNREFUSED' });
    expect(hostEvents().map((e) => [e.type, e.data.previous_state, e.data.host?.state, e.data.host?.error])).toEqual([
      ['host.state', 'ready', 'bootstrapping', null],
      ['host.state', 'bootstrapping', 'unreachable', 'connect ECONNREFUSED'],
    ]);
  });

  it('records a trusted key as host.trusted with its fingerprint and endpoint', () => {
    h.c.hosts.save(spec);
    hostEvents();
    h.c.hosts.trustKey('10.0.0.7', 2222, 'ssh-ed25519', `SHA256:${'a'.repeat(43)}`, 'box');
    expect(hostEvents()).toMatchObject([{ type: 'host.trusted', data: { name: 'box', fingerprint: `SHA256:${'a'.repeat(43)}`, endpoint: { host: '10.0.0.7', port: 2222 } } }]);
  });

  it('records another agent version replacing the one installed as host.upgraded', () => {
    h.c.hosts.save(spec);
    h.c.hosts.update('box', { state: 'starting', agent_version: '1.0.0' });
    hostEvents();
    h.c.hosts.update('box', { state: 'bootstrapping' });
    h.c.hosts.update('box', { state: 'starting', agent_version: '1.1.0' });
    expect(hostEvents().map((e) => e.type)).toEqual(['host.state', 'host.state', 'host.upgraded']);
    h.c.hosts.update('box', { state: 'starting', agent_version: '1.1.0' });
    expect(hostEvents()).toEqual([]);
  });

  it('follows the host worker: online when it registers, draining, offline, in the transaction of the worker event', () => {
    h.c.hosts.save(spec);
    h.c.hosts.update('box', { state: 'starting' });
    hostEvents();
    const worker = addWorker(h.c, { name: 'box' });
    h.c.setWorkerState(worker, 'draining');
    h.c.deregisterWorker(worker);
    const events = hostEvents();
    expect(events.map((e) => [e.type, e.data.previous_state, e.data.host?.state, e.worker_id])).toEqual([
      ['host.state', 'starting', 'online', worker],
      ['host.state', 'online', 'draining', worker],
      ['host.state', 'draining', 'offline', worker],
    ]);
    const all = h.c.eventsSince(0, 10_000);
    for (const event of events) expect(all[all.findIndex((e) => e.id === event.id) - 1].type).toMatch(/^worker\./);
  });

  it('names offline as the previous state when the host worker comes back, by registering again or by a heartbeat', () => {
    h.c.hosts.save(spec);
    h.c.hosts.update('box', { state: 'starting' });
    const worker = addWorker(h.c, { name: 'box' });
    h.c.deregisterWorker(worker);
    hostEvents();
    h.c.heartbeat(worker, {});
    h.c.deregisterWorker(worker);
    addWorker(h.c, { name: 'box' });
    expect(hostEvents().map((e) => [e.data.previous_state, e.data.host?.state])).toEqual([
      ['offline', 'online'],
      ['online', 'offline'],
      ['offline', 'online'],
    ]);
  });

  it('records nothing for workers that are no host of its, nor for a host whose agent was never started', () => {
    h.c.hosts.save(spec);
    hostEvents();
    addWorker(h.c, { name: 'laptop' });
    addWorker(h.c, { name: 'box' });
    expect(hostEvents()).toEqual([]);
  });

  it('records hosts rm as host.removed with no host left', () => {
    h.c.hosts.save(spec);
    hostEvents();
    h.c.hosts.remove('box');
    expect(hostEvents()).toMatchObject([{ type: 'host.removed', data: { name: 'box', host: null, previous_state: 'ready' } }]);
  });
});
