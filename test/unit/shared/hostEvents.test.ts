import { describe, expect, it } from 'vitest';
import { applyHostEvents, type Host, type HostEventData, type QueueEvent } from '../../../src/shared';

const host = (name: string, state: Host['state'] = 'ready'): Host => ({
  name, ssh: { user: 'me', host: '10.0.0.7', port: 22 }, identity_file: null, has_passphrase: false, jump: [], labels: [], max_jobs: null, gpus: null,
  state, error: null, presented_key: null, probe: null, agent_version: null, reach: null, worker_id: null, created_at: 1, updated_at: 1,
});

let id = 0;
function event(type: QueueEvent['type'], data: HostEventData): QueueEvent {
  return { id: ++id, at: 1, type, job_id: null, worker_id: null, data };
}
const snapshot = (h: Host) => {
  const { has_passphrase: _, ...rest } = h;
  return rest;
};

describe('applyHostEvents (the Hosts page and hosts ls --watch following host.* events)', () => {
  it('replaces a host row with the host its event carries, keeping has_passphrase as loaded', () => {
    const loaded = [{ ...host('a'), has_passphrase: true }, host('b')];
    const next = applyHostEvents(loaded, [event('host.state', { name: 'a', previous_state: 'ready', host: snapshot(host('a', 'online')) })]);
    expect(next.map((h) => [h.name, h.state, h.has_passphrase])).toEqual([['a', 'online', true], ['b', 'ready', false]]);
  });

  it('adds a new host in name order and drops a removed one', () => {
    const next = applyHostEvents([host('b'), host('d')], [
      event('host.added', { name: 'c', previous_state: null, host: snapshot(host('c')) }),
      event('host.removed', { name: 'b', previous_state: 'ready', host: null }),
    ]);
    expect(next.map((h) => h.name)).toEqual(['c', 'd']);
  });

  it('leaves the list as it is for other events and for host events it cannot read', () => {
    const loaded = [host('a')];
    const jobEvent: QueueEvent = { id: ++id, at: 1, type: 'job.queued', job_id: 3, worker_id: null, data: {} };
    const garbled: QueueEvent = { id: ++id, at: 1, type: 'host.state', job_id: null, worker_id: null, data: { name: 'a' } };
    expect(applyHostEvents(loaded, [jobEvent, garbled])).toBe(loaded);
  });
});
