import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { machineName } from '../shared';

/** This machine's name as jobs record it (src/shared/machine.ts); the CLI imports this same function to compare. */
export function localMachine(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      return machineName(hostname(), readFileSync(file, 'utf8'));
    } catch {
      // Not on this system (macOS, Windows, minimal containers): try the next, then the hostname alone.
    }
  }
  return machineName(hostname(), null);
}
