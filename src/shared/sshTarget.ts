import { ValidationError } from './errors';
import { SshEndpoint } from './schemas/hosts';

const TARGET = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/;

/**
 * Parses `USER@HOST[:PORT]` (an IPv6 address in brackets) into an endpoint; the port stays what
 * was typed, 22 only when none was. `field` names the flag in errors.
 */
export function parseSshTarget(text: string, defaultUser: string | null, field = 'ssh'): SshEndpoint {
  const match = TARGET.exec(text.trim());
  if (!match) throw new ValidationError(`${field}: expected USER@HOST[:PORT], got ${JSON.stringify(text)}`, field);
  const user = match[1] ?? defaultUser;
  if (!user) throw new ValidationError(`${field}: no user in ${JSON.stringify(text)}; write USER@HOST`, field);
  const host = match[2].replace(/^\[|\]$/g, '');
  const port = match[3] === undefined ? 22 : Number(match[3]);
  const parsed = SshEndpoint.safeParse({ user, host, port });
  if (!parsed.success) throw new ValidationError(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'} in ${JSON.stringify(text)}`, field);
  return parsed.data;
}

export function formatSshTarget(endpoint: SshEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.user}@${host}${endpoint.port === 22 ? '' : `:${endpoint.port}`}`;
}
