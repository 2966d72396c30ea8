import { useEffect, useState } from 'react';
import { applyHostEvents, formatSshTarget, type Host, type HostAdd } from '../../../shared';
import { api } from '../api/client';
import { onEvents } from '../api/live';
import { EmptyState } from '../components/EmptyState';
import { usePolledList } from '../components/usePolledList';
import { useConnection } from '../stores/connection';
import { AddHostForm } from './hosts/AddHostForm';
import { FingerprintDialog } from './hosts/FingerprintDialog';
import { HostShellPanel } from './hosts/HostShellPanel';
import { SlurmSection } from './hosts/SlurmSection';
import { KubernetesSection } from './hosts/KubernetesSection';
import { ErrorCard } from '../components/ErrorCard';

/** Long: a bootstrap uploads the agent and may wait on a slow host. */
const HOST_CALL_MS = 300_000;
const NEEDS_KEY = new Set<Host['state']>(['unknown-key', 'key-changed']);

// Hosts change state on their own (agents registering, tunnels dropping): the page follows host.*
// events, and polls slowly only while the live socket is down (it replays what it missed on reconnect).
const HOSTS_FALLBACK_POLL_MS = 15_000;
const listHosts = () => api().call('listHosts');

type Action = 'hostUp' | 'hostRestart' | 'hostUpgrade';

export function HostsPage() {
  const socketOpen = useConnection((s) => s.status === 'open');
  const { items: hosts, busy, error, run, update } = usePolledList(listHosts, socketOpen ? null : HOSTS_FALLBACK_POLL_MS);
  useEffect(() => {
    const off = onEvents((events) => update((list) => applyHostEvents(list, events)));
    return () => void off();
  }, [update]);
  const [asking, setAsking] = useState<string | null>(null);
  const [shell, setShell] = useState<string | null>(null);

  const add = async (body: HostAdd) => {
    const host = await run(() => api().call('addHost', { body }, HOST_CALL_MS));
    if (host && NEEDS_KEY.has(host.state)) setAsking(host.name);
  };
  const trust = async (host: Host) => {
    const next = await run(() => api().call('trustHost', { params: { name: host.name }, body: { fingerprint: host.presented_key!.fingerprint } }, HOST_CALL_MS));
    // A jump chain presents one unknown key per hop: keep asking until none is left.
    setAsking(next && NEEDS_KEY.has(next.state) ? next.name : null);
  };
  const act = (name: string, action: Action) => run(() => api().call(action, { params: { name } }, HOST_CALL_MS));
  const down = (name: string) => run(() => api().call('hostDown', { params: { name }, body: { now: false } }, HOST_CALL_MS));
  const remove = (name: string) => window.confirm(`Remove ${name}? Its agent stops and ~/.gantry is deleted there.`) && run(() => api().call('removeHost', { params: { name } }, HOST_CALL_MS));

  const asked = hosts.find((h) => h.name === asking);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Hosts</h1>
      </div>
      <AddHostForm busy={busy} onAdd={add} />
      <ErrorCard error={error} />
      {hosts.length === 0 ? (
        <EmptyState title="No hosts yet">
          <p>Add a machine you can SSH into: Gantry checks its key, installs its agent and starts it.</p>
        </EmptyState>
      ) : (
        <table className="plain card" data-testid="hosts-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>SSH</th>
              <th>Reach</th>
              <th>GPUs</th>
              <th>Agent</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hosts.map((host) => (
              <tr key={host.name} data-host={host.name}>
                <td>{host.name}</td>
                <td data-testid="host-state" title={host.error ?? ''}>
                  {host.state}
                </td>
                <td>
                  <code>{formatSshTarget(host.ssh)}</code>
                  {host.jump.length > 0 && <span className="subtle"> via {host.jump.map(formatSshTarget).join(', ')}</span>}
                </td>
                <td>{host.reach ?? '–'}</td>
                <td>{host.probe ? host.probe.gpus.length : '–'}</td>
                <td className="subtle">{host.agent_version ?? '–'}</td>
                <td className="toolbar">
                  {NEEDS_KEY.has(host.state) && <button onClick={() => setAsking(host.name)}>Check key…</button>}
                  <button disabled={busy} onClick={() => void act(host.name, 'hostUp')}>Up</button>
                  <button disabled={busy} onClick={() => void down(host.name)}>Down</button>
                  <button disabled={busy} onClick={() => void act(host.name, 'hostUpgrade')}>Upgrade</button>
                  <button disabled={!host.probe} onClick={() => setShell(host.name)}>Shell</button>
                  <button disabled={busy} className="ghost" onClick={() => void remove(host.name)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SlurmSection hostNames={hosts.map((h) => h.name)} />
      <KubernetesSection />
      {shell && <HostShellPanel key={shell} host={shell} onClose={() => setShell(null)} />}
      {asked && <FingerprintDialog host={asked} busy={busy} onTrust={() => void trust(asked)} onClose={() => setAsking(null)} />}
    </div>
  );
}
