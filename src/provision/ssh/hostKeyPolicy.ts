import type { PresentedKey, SshEndpoint } from '../../shared';
import { fingerprintOf, keyTypeOf, readKnownHosts, type KnownKey } from './knownHosts';

/** Gantry's own trusted keys for an endpoint, and where to record a newly trusted one. */
export interface TrustedKeyStore {
  trustedKeys(host: string, port: number): Array<{ key_type: string; fingerprint: string }>;
}

export type KeyVerdict = { trusted: true } | { trusted: false; presented: PresentedKey };

/**
 * Decides whether a presented host key is trusted. Gantry's own store speaks first, so a key the
 * user trusted after a change wins over a stale known_hosts line; then the user's known_hosts.
 * A trusted key of the same type with another fingerprint means the key changed.
 */
export function judgeHostKey(endpoint: SshEndpoint, keyBlob: Buffer, own: Array<{ key_type: string; fingerprint: string }>, known: KnownKey[]): KeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const presented = (trusted: string | null): KeyVerdict => ({
    trusted: false,
    presented: { host: endpoint.host, port: endpoint.port, key_type: keyType, fingerprint, trusted_fingerprint: trusted },
  });
  if (known.some((k) => k.revoked && k.fingerprint === fingerprint)) return presented(null);
  const ownSameType = own.find((k) => k.key_type === keyType);
  if (ownSameType) return ownSameType.fingerprint === fingerprint ? { trusted: true } : presented(ownSameType.fingerprint);
  const valid = known.filter((k) => !k.revoked);
  if (valid.some((k) => k.fingerprint === fingerprint)) return { trusted: true };
  const knownSameType = valid.find((k) => k.keyType === keyType);
  return presented(knownSameType?.fingerprint ?? null);
}

/** A checker over the user's known_hosts files and Gantry's store. */
export function hostKeyChecker(store: TrustedKeyStore, knownHostsFiles: readonly string[]): (endpoint: SshEndpoint, keyBlob: Buffer) => KeyVerdict {
  return (endpoint, keyBlob) =>
    judgeHostKey(endpoint, keyBlob, store.trustedKeys(endpoint.host, endpoint.port), readKnownHosts(knownHostsFiles, endpoint.host, endpoint.port));
}
