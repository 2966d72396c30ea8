import { formatSshTarget, type Host } from '../../shared';
import { renderTable } from './table';

export function formatHostTable(hosts: readonly Host[]): string {
  if (hosts.length === 0) return 'no hosts (add one: gantry hosts add NAME --ssh USER@HOST[:PORT])';
  return renderTable(hosts, [
    { header: 'NAME', value: (h) => h.name, maxWidth: 24 },
    { header: 'STATE', value: (h) => h.state },
    { header: 'SSH', value: (h) => formatSshTarget(h.ssh) + (h.jump.length ? ` via ${h.jump.map(formatSshTarget).join(',')}` : ''), maxWidth: 60 },
    { header: 'REACH', value: (h) => h.reach ?? '-' },
    { header: 'GPUS', value: (h) => (h.probe ? String(h.probe.gpus.length) : '-'), align: 'right' },
    { header: 'AGENT', value: (h) => h.agent_version ?? '-' },
    { header: 'NOTE', value: (h) => h.error ?? '', maxWidth: 80 },
  ]);
}

/** One or two lines saying where a host stands and what to do next. */
export function describeHost(host: Host): string {
  const key = host.presented_key;
  if (host.state === 'unknown-key' && key) {
    return `host ${host.name}: unknown host key at ${key.host}:${key.port}\n  ${key.key_type} ${key.fingerprint}\n  check it, then: gantry hosts trust ${host.name} --fingerprint ${key.fingerprint}`;
  }
  if (host.state === 'key-changed' && key) {
    return `host ${host.name}: HOST KEY CHANGED at ${key.host}:${key.port}\n  trusted:  ${key.trusted_fingerprint}\n  presents: ${key.fingerprint} (${key.key_type})\n  blocked; if the change is expected: gantry hosts trust ${host.name} --fingerprint ${key.fingerprint}`;
  }
  const detail = [host.agent_version ? `agent ${host.agent_version}` : null, host.reach].filter(Boolean).join(', ');
  return `host ${host.name}: ${host.state}${detail ? ` (${detail})` : ''}${host.error ? `\n  ${host.error}` : ''}`;
}
