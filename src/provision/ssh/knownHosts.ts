/**
 * Reading OpenSSH known_hosts files: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port`
 * for non-standard ports, wildcards and negations, and the @revoked marker. Written here because
 * ssh2 leaves host-key checking to its caller and no maintained npm package parses hashed entries
 * and markers both.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownKey {
  keyType: string;
  fingerprint: string;
  revoked: boolean;
}

/** `SHA256:` + unpadded base64 of the key blob's sha256, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name at the head of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** The name known_hosts uses for an endpoint: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

function matchesHashed(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a comma-separated host pattern list names `name`; a matching negation wins. */
export function patternListMatches(list: string, name: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const hit = pattern.startsWith('|') ? matchesHashed(pattern, name) : globToRegExp(pattern).test(name);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

/** The keys a known_hosts text lists for an endpoint. */
export function parseKnownHosts(text: string, host: string, port: number): KnownKey[] {
  const name = knownHostsName(host, port);
  const keys: KnownKey[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker === '@cert-authority') continue;
    const [patterns, keyType, base64] = fields;
    if (!patterns || !keyType || !base64 || !patternListMatches(patterns, name)) continue;
    keys.push({ keyType, fingerprint: fingerprintOf(Buffer.from(base64, 'base64')), revoked: marker === '@revoked' });
  }
  return keys;
}

/** Keys for the endpoint from each file that exists; a missing file lists nothing. */
export function readKnownHosts(files: readonly string[], host: string, port: number): KnownKey[] {
  const keys: KnownKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    keys.push(...parseKnownHosts(text, host, port));
  }
  return keys;
}
