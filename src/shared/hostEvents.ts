import { HostEventData, type Host } from './schemas/hosts';
import type { QueueEvent } from './schemas/events';

/**
 * The host list after these events: host.removed drops the host, every other host.* event carries
 * the host as it now is and replaces (or adds) its row. has_passphrase is not in events (it lives
 * with the secrets), so a row keeps the value it was loaded with.
 */
export function applyHostEvents(hosts: Host[], events: QueueEvent[]): Host[] {
  let next = hosts;
  for (const event of events) {
    if (!event.type.startsWith('host.')) continue;
    const parsed = HostEventData.safeParse(event.data);
    if (!parsed.success) continue;
    const { name, host } = parsed.data;
    const others = next.filter((h) => h.name !== name);
    if (host === null) {
      next = others;
      continue;
    }
    const known = next.find((h) => h.name === name);
    next = [...others, { ...host, has_passphrase: known?.has_passphrase ?? false }].sort((a, b) => a.name.localeCompare(b.name));
  }
  return next;
}
